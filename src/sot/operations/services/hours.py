"""Opening hours during an event, set by the point's operator or an official (#13).

The hours belong to the point's activation in the event, so they end with the
event. What they may say and which apply on a day is the plain rule in
:mod:`sot.public.core.hours` (a leaf module without Django).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations.models import Activation, Event, LogKind, Source
from sot.operations.services.activation import get_activation, require_not_suspended
from sot.operations.services.common import OperationRefused, _log, _notify
from sot.public.core import hours as core
from sot.public.core import words


class HoursRefused(OperationRefused):
    """Typed hours or a day that cannot be stored (422); ``message`` is Swedish."""

    def __init__(self, error: core.HoursError):
        lang = "en" if (get_language() or "").startswith("en") else "sv"
        super().__init__(f"hours_{error.code}", error.text(lang))


def set_opening_hours(
    *,
    event: Event,
    point,
    by,
    text: str,
    day: date | None = None,
    source: str = Source.WEB,
) -> Activation:
    """Set the point's hours in the event: for every day of it (``day`` None) or
    for one day; an empty ``text`` removes them (the register's arrangements
    apply again). Checked (``08–20``, ``dygnet runt``, ``stängt``; a day within
    the event and not past), logged in the event's logbook."""
    policy.require(by, perm.REPORT_STATUS, point)
    if not event.is_running():
        raise OperationRefused(
            "event_not_running", _("Händelsen pågår inte: öppettider kan inte sättas.")
        )
    try:
        normal = core.parse(text) if (text or "").strip() else ""
        if day is not None:
            core.check_day(
                day,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                today=core.local_day(timezone.now()),
            )
    except core.HoursError as exc:
        raise HoursRefused(exc) from None
    key = day.isoformat() if day is not None else core.EVERY_DAY
    with transaction.atomic():
        activation = get_activation(event=event, point=point, lock=True)
        require_not_suspended(activation)
        current = dict(activation.opening_hours or {})
        if normal:
            current[key] = normal
        else:
            current.pop(key, None)
        activation.opening_hours = current
        activation.save(update_fields=["opening_hours"])
        when = words.day(day) if day is not None else _("alla dagar under händelsen")
        _log(
            event=event,
            point=point,
            kind=LogKind.MESSAGE,
            author=by,
            source=source,
            text=_("Öppettider för %(point)s, %(when)s: %(hours)s")
            % {
                "point": point.name,
                "when": when,
                "hours": core.text(normal) if normal else _("borttagna"),
            },
        )
        _notify(point=point, event=event)
    return activation


def event_days(event: Event) -> list[date]:
    """The days an operator may give hours of their own: from today to the event's
    last day (at most two weeks ahead when it has no end)."""
    today = core.local_day(timezone.now())
    first = max(today, core.local_day(event.starts_at))
    last = core.local_day(event.ends_at) if event.ends_at else None
    out = []
    d = first
    while len(out) < 14 and (last is None or d <= last):
        out.append(d)
        d = date.fromordinal(d.toordinal() + 1)
    return out
