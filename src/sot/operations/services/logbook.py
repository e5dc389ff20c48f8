"""The event's logbook."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations.models import (
    Event,
    LogEntry,
    LogKind,
    Source,
)
from sot.operations.services.common import (
    OperationRefused,
    _log,
    _placed,
    _received,
    as_uid,
    stored_once,
)


@stored_once(LogEntry)
def add_log_entry(
    *,
    event: Event,
    author,
    text: str,
    kind: str = LogKind.NOTE,
    point=None,
    source: str = Source.WEB,
    at: datetime | None = None,
    uid=None,
    sent_at: datetime | None = None,
    via_box: str = "",
    author_name: str = "",
) -> LogEntry:
    """Write a line in the event's logbook (decisions, actions, messages, notes).

    ``uid``, ``at`` (observed) and ``sent_at`` as for :func:`submit_status_report`;
    ``author_name`` names a person the system writes for (a box's operator)."""
    if point is not None:
        policy.require(author, perm.ADD_LOG, point)
    else:
        policy.require(author, perm.ADD_LOG, event)
    text = (text or "").strip()
    if not text:
        raise OperationRefused("empty", _("Loggposten är tom."))
    received = timezone.now()
    placed = _placed(at, sent_at, received)
    with transaction.atomic():
        existing = _received(
            LogEntry,
            uid,
            check=lambda e: (
                e.event_id == event.pk and e.point_id == getattr(point, "pk", None)
            ),
        )
        if existing is not None:
            return existing
        entry = _log(
            event=event,
            point=point,
            kind=kind,
            text=text,
            author=author,
            source=source,
            at=placed.observed_at,
            uid=as_uid(uid) or uuid.uuid4(),
            received_at=received,
            clock_offset_s=placed.clock_offset_s,
            via_box=via_box,
        )
        if author_name:
            entry.author_name = author_name
            entry.save(update_fields=["author_name"])
        return entry
