"""Demo data for the public site: a restriction on Kall's diesel ("rescue services
only until 18:00") with its message, when the demo has a running event with Kall in
it. It belongs to that event and ends with it (or at 18:00). Idempotent."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from sot.operations.models import Activation
from sot.public.models import PublicMessage, RestrictionKind
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
    now = timezone.localtime()
    until = timezone.make_aware(datetime.combine(now.date(), time(18)))
    if until <= now:
        until += timedelta(days=1)
    _msg, created = PublicMessage.objects.get_or_create(
        point=act.point,
        event=act.event,
        text=TEXT,
        defaults={
            "municipality": act.point.municipality,
            "text_en": TEXT_EN,
            "service_code": "fuel_diesel",
            "restriction": RestrictionKind.RESCUE_ONLY,
            "expires_at": until,
        },
    )
    if stdout and created:
        stdout.write("Publik: meddelande om Kall publicerat.")
