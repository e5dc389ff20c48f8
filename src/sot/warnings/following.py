"""Suggestions and events follow their warning (rules in :mod:`sot.warnings.core.follow`).

When a stored warning is updated (republished under its id, or replaced by an Update
that references it), cancelled, ended or expires, :func:`warning_changed` marks its
suggestions and writes one line in the logbook of every running event opened from
it. :func:`event_links` gives the event page the warnings behind an event, each with
its newest change for the banner. Called inside the import's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from sot.operations import services as ops
from sot.operations.models import LogKind, Source
from sot.warnings.core import follow
from sot.warnings.models import Suggestion, SuggestionState, WarningMessage


def _log_text(message: WarningMessage, change: follow.Change) -> str:
    parts = [f"{_(change.label)}: {message.headline}"]
    if change is follow.Change.UPDATED and message.level:
        parts.append(f"({message.get_level_display()})")
    parts.append(f"[{message.get_source_display()} {message.identifier}]")
    return " ".join(parts)


def warning_changed(
    message: WarningMessage, change: follow.Change, *, now: datetime
) -> list[int]:
    """Record ``change`` of ``message`` on its suggestions and in the logbook of each
    running event opened from them. Returns the ids of the events written to."""
    suggestions = message.suggestions.exclude(state=SuggestionState.CLEARED)
    if change is follow.Change.UPDATED:
        suggestions.update(cause_updated_at=now)
    events = {
        s.event_id: s.event
        for s in suggestions.filter(event__isnull=False, event__ends_at__isnull=True)
        .select_related("event")
        .order_by("event_id")
    }
    text = _log_text(message, change)
    for event in events.values():
        ops.add_log_entry(
            event=event,
            author=None,
            author_name=message.get_source_display(),
            kind=LogKind.MESSAGE,
            source=Source.SYSTEM,
            text=text,
            at=now,
        )
    return sorted(events)


def can_become_event(suggestion: Suggestion) -> bool:
    """May an event still be opened from ``suggestion``?"""
    return follow.can_become_event(
        state=suggestion.state,
        decision=suggestion.decision,
        has_event=suggestion.event_id is not None,
        cause_ended=suggestion.cause_ended_at is not None,
    )


@dataclass(frozen=True)
class EventLink:
    """A warning an event was opened from, as the event page shows it."""

    suggestion: Suggestion
    message: WarningMessage
    change: follow.LinkChange | None

    @property
    def change_label(self) -> str:
        return _(self.change.change.label) if self.change else ""


def event_links(event) -> list[EventLink]:
    """The warnings ``event`` was opened from (one query), newest change first."""
    out = []
    for s in (
        Suggestion.objects.filter(event=event)
        .select_related("message")
        .order_by("-decided_at", "-id")
    ):
        out.append(
            EventLink(
                suggestion=s,
                message=s.message,
                change=follow.link_change(
                    message_state=s.message.state,
                    ended_at=s.message.ended_at or s.cause_ended_at,
                    updated_at=s.cause_updated_at,
                    opened_at=s.decided_at or event.created_at,
                ),
            )
        )
    return out
