"""Template filters for the operations pages."""

from datetime import timedelta
from uuid import uuid4

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sot.operations.core.freshness import format_age
from sot.operations.core.observation import clock_wrong, describe_offset
from sot.operations.core.sitrep import format_hours

register = template.Library()


@register.filter
def age(value):
    """Swedish short age of a timedelta ("3 h 5 min")."""
    return format_age(value)


@register.filter
def ago(value):
    """ "nyss", "för 3 h 5 min sedan", "aldrig" (never "nyss sedan")."""

    if value is None:
        return _("aldrig")
    text = format_age(value)
    if text == "nyss":
        return _("nyss")
    return _("för %(age)s sedan") % {"age": text}


#: the label of each point state, in the words of the officials' pages
STATE_LABELS = {
    "alerted": gettext_lazy("Larmad"),
    "activating": gettext_lazy("Aktiveras"),
    "open": gettext_lazy("Öppen"),
    "limited": gettext_lazy("Begränsad"),
    "closed": gettext_lazy("Stängd"),
}


@register.filter
def state_badge(state):
    """The state as a labelled badge (``<span class="state state-open">``): a
    filter, not an include, since the dashboard shows it on every row (#15)."""
    return format_html(
        '<span class="state state-{}">{}</span>',
        state,
        STATE_LABELS.get(state) or _("Okänd"),
    )


@register.filter
def hours(value):
    """Fuel hours as whole hours ("31 h")."""
    return "" if value is None else format_hours(value)


@register.simple_tag
def received_fields():
    """Hidden inputs every operator form carries: a fresh client-made id (so a
    double submit is stored once) and the observed time, which the page's script
    fills when the operator presses the button (empty: the server's time)."""

    return format_html(
        '<input type="hidden" name="uid" value="{}">'
        '<input type="hidden" name="observed_at" value="">',
        uuid4(),
    )


@register.filter
def clock_warning(record):
    """Swedish warning when the sender's clock was far off ("" otherwise)."""

    offset = getattr(record, "clock_offset_s", None)
    if not clock_wrong(offset):
        return ""
    return _(
        "Avsändarens klocka gick fel (%(offset)s); tiden är omräknad till serverns."
    ) % {"offset": describe_offset(offset)}


@register.filter
def arrived_late(record):
    """True when a record reached this server more than a minute after it was
    observed (it waited for the network)."""

    observed = getattr(record, "observed_at", None)
    received = getattr(record, "received_at", None)
    return bool(observed and received and received - observed > timedelta(minutes=1))
