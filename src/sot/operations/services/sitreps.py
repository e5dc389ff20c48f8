"""Situation reports (lägesrapporter): number, render and keep one."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations.core import sitrep
from sot.operations.models import Event, LogEntry, SituationReport
from sot.operations.queries import build_sitrep


def create_situation_report(
    *,
    event: Event,
    created_by,
    as_of: datetime | None = None,
    next_report_at: datetime | None = None,
) -> SituationReport:
    """Number, render and keep a situation report (the next one starts after it)."""
    policy.require(created_by, perm.CREATE_SITREP, event)
    as_of = as_of or timezone.now()
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        number = event.sitreps.count() + 1
        data = build_sitrep(
            event,
            as_of=as_of,
            user=created_by,
            number=number,
            next_report_at=next_report_at,
        )
        record = SituationReport.objects.create(
            event=event,
            number=number,
            as_of=as_of,
            created_by=created_by,
            text=sitrep.render_text(data),
            markdown=sitrep.render_markdown(data),
        )
        LogEntry.objects.create(
            event=event,
            kind="message",
            at=as_of,
            author=created_by,
            author_name=(created_by.get_full_name() or created_by.username)
            if created_by
            else "",
            text=_("Lägesrapport nr %(n)d sammanställd.") % {"n": number},
        )
    return record
