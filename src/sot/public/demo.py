"""Demo data for the public site: a message to the public about Kall, when the demo
has a running event with Kall in it. Idempotent."""

from __future__ import annotations

from sot.operations.models import Activation
from sot.public.models import PublicMessage
from sot.public.state import running_events

TEXT = "Diesel endast till räddningstjänst till kl 18."
TEXT_EN = "Diesel for the rescue service only until 6 pm."


def load(stdout=None) -> None:
    events = running_events()
    act = (
        Activation.objects.filter(event__in=events, point__slug="kall")
        .select_related("event", "point__municipality")
        .first()
    )
    if act is None:
        if stdout:
            stdout.write("Publik: ingen pågående händelse med Kall, inget meddelande.")
        return
    _msg, created = PublicMessage.objects.get_or_create(
        point=act.point,
        event=act.event,
        text=TEXT,
        defaults={"municipality": act.point.municipality, "text_en": TEXT_EN},
    )
    if stdout and created:
        stdout.write("Publik: meddelande om Kall publicerat.")
