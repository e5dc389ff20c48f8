"""Storing parsed warning documents, matching them to the register, and suggestions.

Service functions own the transaction and take keyword-only arguments; the import
command, the upload view, the API and the poller all call :func:`import_document`.

* A parsed document is stored all or nothing (one transaction): a database error
  half-way leaves nothing behind, and parsing happens before anything is stored.
* A message whose (source, identifier) is already stored replaces the stored one if
  it was sent later (SMHI and Krisinformation republish under the same id), has
  another status (a replayed exercise copy meets the real one), or is listed again by
  a snapshot that had ended it; otherwise it is skipped as unchanged.
* An Update replaces the messages it references; a Cancel cancels them. A reference
  to a message that has itself been replaced is followed to the newest message.
* A snapshot (SMHI ``warning.json``, a Krisinformation list, an operator's outage
  list) ends the in-force messages of the same source, status and (where the
  document names one) sender that it no longer lists; a polled snapshot only those
  that came from the same source.
* Each message in force is matched to municipalities and points
  (:mod:`sot.warnings.core.match`), and the suggestion rules put at most one suggestion per
  municipality in front of its officer. Suggestions move along with updates and are
  cleared when their message is cancelled, ended or expires. Nothing is ever
  activated here.
* An event opened from a suggestion follows its warning: every update,
  cancellation, end or expiry is written in the event's logbook
  (:mod:`sot.warnings.following`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sot.accounts import policy
from sot.registry.models import Lifecycle, Municipality, Point
from sot.warnings import following
from sot.warnings import permissions as perm
from sot.warnings.core import follow, match
from sot.warnings.core.model import Area, Document, Level, Message, MsgType, Status
from sot.warnings.models import (
    Decision,
    MessageArea,
    MessageReference,
    MessageState,
    Suggestion,
    SuggestionRule,
    SuggestionState,
    WarningMessage,
    WarningSource,
)

log = logging.getLogger("sot.warnings")

LEVEL_RANK = {lvl.value: lvl.rank for lvl in Level}


# ``MessageOutcome.action`` in the Swedish of the CLI and the demo's output.
ACTION_WORDS = {"created": "ny", "updated": "uppdaterad", "unchanged": "oförändrad"}


@dataclass
class MessageOutcome:
    """What happened to one message of an imported document."""

    id: int
    source: str
    identifier: str
    action: str  # created | updated | unchanged
    msg_type: str
    status: str
    state: str
    headline: str
    municipality_codes: list[str] = field(default_factory=list)
    point_ids: list[str] = field(default_factory=list)
    suggestion_ids: list[int] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        """The state in the user's language ("Gäller", not ``in_force``)."""
        try:
            return str(MessageState(self.state).label)
        except ValueError:
            return self.state

    cancelled: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ImportReport:
    format: str
    messages: list[MessageOutcome] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    cleared_suggestions: int = 0

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "messages": [m.as_dict() for m in self.messages],
            "ended": self.ended,
            "cleared_suggestions": self.cleared_suggestions,
        }


# --------------------------------------------------------------------- register


def registry_records() -> tuple[
    list[match.MunicipalityRecord], list[match.PointRecord]
]:
    """The register as plain records for :mod:`sot.warnings.core.match`."""
    municipalities = [
        match.MunicipalityRecord(m.code, m.name, m.county_code, m.boundary)
        for m in Municipality.objects.all()
    ]
    points = [
        match.PointRecord(
            id=p.pk,
            municipality_code=p.municipality.code,
            lon=p.lon,
            lat=p.lat,
            village=p.village,
            name=p.name,
            postcode=p.postcode,
        )
        for p in Point.objects.select_related("municipality").exclude(
            lifecycle=Lifecycle.DECOMMISSIONED
        )
    ]
    return municipalities, points


# --------------------------------------------------------------------- import


def import_document(
    *,
    document: Document,
    via: str,
    user=None,
    polled_from=None,
    now: datetime | None = None,
    status: Status = Status.ACTUAL,
) -> ImportReport:
    """Store a parsed document, match it and make suggestions (all or nothing).

    ``via`` is ``poll``, ``upload``, ``cli`` or ``api``. ``user`` (when given) must
    be allowed to import warnings. ``status`` is the status the document was parsed
    with; a snapshot only ends messages of that status.
    """
    policy.require(user, perm.IMPORT_WARNING)
    now = now or timezone.now()
    report = ImportReport(format=document.format)
    with transaction.atomic():
        records = registry_records()
        for parsed in document.messages:
            report.messages.append(
                _store(
                    parsed,
                    document=document,
                    via=via,
                    user=user,
                    polled_from=polled_from,
                    now=now,
                    records=records,
                )
            )
        if document.snapshot and document.source is not None:
            listed = {m.identifier for m in document.messages}
            statuses = {m.status.value for m in document.messages} or {status.value}
            stale = WarningMessage.objects.filter(
                source=document.source.value,
                state=MessageState.IN_FORCE,
                status__in=statuses,
            ).exclude(identifier__in=listed)
            if document.snapshot_sender:
                stale = stale.filter(sender=document.snapshot_sender)
            if polled_from is not None:  # two sources of one kind do not end each other
                stale = stale.filter(polled_from=polled_from)
            for message in stale:
                report.cleared_suggestions += _end(
                    message, MessageState.ENDED, "no longer in the feed", now
                )
                report.ended.append(message.identifier)
    return report


def _store(
    parsed: Message,
    *,
    document: Document,
    via: str,
    user,
    polled_from,
    now: datetime,
    records,
) -> MessageOutcome:
    existing = WarningMessage.objects.filter(
        source=parsed.source.value, identifier=parsed.identifier
    ).first()
    if (
        existing is not None
        and parsed.sent <= existing.sent
        and existing.status == parsed.status.value
        # A snapshot that lists a message it had ended (a flapping source) revives it.
        and not (document.snapshot and existing.state == MessageState.ENDED)
    ):
        return _outcome(existing, "unchanged")
    fields = _fields(
        parsed, document=document, via=via, user=user, polled_from=polled_from, now=now
    )
    if existing is None:
        message = WarningMessage.objects.create(**fields)
        action = "created"
    else:
        message = existing
        for name, value in fields.items():
            setattr(message, name, value)
        message.state = MessageState.IN_FORCE
        message.replaced_by = None
        message.ended_at = None
        message.ended_reason = ""
        message.save()
        message.areas.all().delete()
        message.references.all().delete()
        action = "updated"
    MessageArea.objects.bulk_create(
        MessageArea(
            message=message,
            description=a.description,
            geometries=list(a.geometries),
            county_codes=list(a.county_codes),
            municipality_codes=list(a.municipality_codes),
            municipality_names=list(a.municipality_names),
            nuts3_codes=list(a.nuts3_codes),
            localities=list(a.localities),
            postcodes=list(a.postcodes),
            other_codes=[list(c) for c in a.other_codes],
            whole_country=a.whole_country,
        )
        for a in parsed.areas
    )
    MessageReference.objects.bulk_create(
        MessageReference(
            message=message, identifier=r.identifier, sender=r.sender, sent=r.sent
        )
        for r in parsed.references
    )
    outcome = _outcome(message, action)
    if action == "updated" and parsed.msg_type is not MsgType.CANCEL:
        # Republished under its id (SMHI, Krisinformation): the events follow.
        following.warning_changed(message, follow.Change.UPDATED, now=now)
    if parsed.msg_type is MsgType.CANCEL:
        message.state = MessageState.CANCELLED
        message.ended_at = now
        message.ended_reason = "cancel message"
        message.save(update_fields=["state", "ended_at", "ended_reason"])
        for target in _referenced(parsed, exclude=message):
            _end(
                target, MessageState.CANCELLED, f"cancelled by {parsed.identifier}", now
            )
            outcome.cancelled.append(target.identifier)
        outcome.state = message.state
        return outcome

    municipalities, points = records
    result = match.match_message(parsed, municipalities, points)
    message.municipalities.set(
        Municipality.objects.filter(code__in=result.municipality_codes)
    )
    message.points.set(Point.objects.filter(pk__in=result.point_ids))
    if parsed.msg_type is MsgType.UPDATE:
        for target in _referenced(parsed, exclude=message):
            target.state = MessageState.REPLACED
            target.replaced_by = message
            target.ended_at = now
            target.ended_reason = f"replaced by {parsed.identifier}"
            target.save(
                update_fields=["state", "replaced_by", "ended_at", "ended_reason"]
            )
            # The suggestions follow the newest message of the chain.
            target.suggestions.exclude(state=SuggestionState.CLEARED).update(
                message=message
            )
            outcome.replaced.append(target.identifier)
        if outcome.replaced:
            following.warning_changed(message, follow.Change.UPDATED, now=now)
    outcome.suggestion_ids = reconcile_suggestions(message, now=now)
    outcome.municipality_codes = sorted(result.municipality_codes)
    outcome.point_ids = sorted(
        Point.objects.filter(pk__in=result.point_ids).values_list("slug", flat=True)
    )
    return outcome


def _fields(parsed: Message, *, document, via, user, polled_from, now) -> dict:
    return {
        "source": parsed.source.value,
        "identifier": parsed.identifier,
        "polled_from": polled_from,
        "format": document.format,
        "sender": parsed.sender,
        "sent": parsed.sent,
        "msg_type": parsed.msg_type.value,
        "status": parsed.status.value,
        "event_code": parsed.event_code,
        "hazard": parsed.hazard.value,
        "level": parsed.level.value if parsed.level else "",
        "severity": parsed.severity,
        "headline_sv": parsed.headline.sv,
        "headline_en": parsed.headline.en,
        "description_sv": parsed.description.sv,
        "description_en": parsed.description.en,
        "instruction_sv": parsed.instruction.sv,
        "instruction_en": parsed.instruction.en,
        "onset": parsed.onset,
        "expires": parsed.expires,
        "web": parsed.web,
        "customers_affected": parsed.customers_affected,
        "restoration_expected": parsed.restoration_expected,
        "keep_after_expiry": via != "poll"
        and parsed.expires is not None
        and parsed.expires <= now,
        "imported_via": via,
        "imported_by": user,
        "imported_at": now,
    }


def _outcome(message: WarningMessage, action: str) -> MessageOutcome:
    return MessageOutcome(
        id=message.pk,
        source=message.source,
        identifier=message.identifier,
        action=action,
        msg_type=message.msg_type,
        status=message.status,
        state=message.state,
        headline=message.headline,
        municipality_codes=sorted(
            message.municipalities.values_list("code", flat=True)
        ),
        point_ids=sorted(message.points.values_list("slug", flat=True)),
        suggestion_ids=sorted(
            message.suggestions.exclude(state=SuggestionState.CLEARED).values_list(
                "pk", flat=True
            )
        ),
    )


def head_of(message: WarningMessage) -> WarningMessage:
    """The newest message of ``message``'s update chain."""
    seen = {message.pk}
    while message.replaced_by_id is not None and message.replaced_by_id not in seen:
        message = message.replaced_by
        seen.add(message.pk)
    return message


def _referenced(parsed: Message, *, exclude: WarningMessage) -> list[WarningMessage]:
    out: list[WarningMessage] = []
    for ref in parsed.references:
        for target in WarningMessage.objects.filter(
            source=parsed.source.value, identifier=ref.identifier
        ).exclude(pk=exclude.pk):
            target = head_of(target)
            if (
                target.pk != exclude.pk
                and target.state == MessageState.IN_FORCE
                and target not in out
            ):
                out.append(target)
    return out


def _end(message: WarningMessage, state: str, reason: str, now: datetime) -> int:
    """End a message; clear its open suggestions. Returns how many were cleared."""
    message.state = state
    message.ended_at = now
    message.ended_reason = reason[:200]
    message.save(update_fields=["state", "ended_at", "ended_reason"])
    change = follow.change_for_state(state)
    if change is not None:
        following.warning_changed(message, change, now=now)
    suggestions = message.suggestions.all()
    suggestions.exclude(state=SuggestionState.CLEARED).update(cause_ended_at=now)
    return suggestions.filter(state=SuggestionState.OPEN).update(
        state=SuggestionState.CLEARED
    )


def stored_areas(message: WarningMessage) -> list:
    """The stored areas of ``message`` as parser areas, for matching again."""

    return [
        Area(
            description=a.description,
            geometries=tuple(a.geometries),
            county_codes=tuple(a.county_codes),
            municipality_codes=tuple(a.municipality_codes),
            municipality_names=tuple(a.municipality_names),
            nuts3_codes=tuple(a.nuts3_codes),
            localities=tuple(a.localities),
            postcodes=tuple(a.postcodes),
            whole_country=a.whole_country,
        )
        for a in message.areas.all()
    ]


def rematch_in_force(*, now: datetime | None = None) -> int:
    """Match every in-force message again (after points were added or moved).

    Returns how many messages changed their points. Suggestions are reconciled.
    """
    now = now or timezone.now()
    changed = 0
    with transaction.atomic():
        municipalities, points = registry_records()
        for message in in_force().exclude(msg_type="cancel"):
            result = match.match_areas(stored_areas(message), municipalities, points)
            before = set(message.points.values_list("pk", flat=True))
            message.municipalities.set(
                Municipality.objects.filter(code__in=result.municipality_codes)
            )
            message.points.set(Point.objects.filter(pk__in=result.point_ids))
            if before != result.point_ids:
                changed += 1
            reconcile_suggestions(message, now=now)
    return changed


# --------------------------------------------------------------------- suggestions


def rule_matches(rule: SuggestionRule, message: WarningMessage, municipality) -> bool:
    """Does ``rule`` put ``message`` over ``municipality`` to its officer?"""
    if not rule.enabled or message.status == Status.TEST:
        return False
    if message.status == Status.EXERCISE and not rule.include_exercises:
        return False
    if rule.county_code and rule.county_code != municipality.county_code:
        return False
    if rule.sources and message.source not in rule.sources:
        return False
    if rule.hazards and message.hazard not in rule.hazards:
        return False
    if rule.min_level:
        if not message.level:
            return False
        if LEVEL_RANK[message.level] < LEVEL_RANK[rule.min_level]:
            return False
    return True


def reconcile_suggestions(
    message: WarningMessage, *, now: datetime | None = None
) -> list[int]:
    """Make the suggestions of an in-force message match its points and the rules.

    One suggestion per municipality that has touched points and a matching rule; an
    open one is updated (points, rule), a decided one is left as decided, except that
    one on which readiness was raised keeps following the points and goes back to
    open when a rule now suggests an event (see :mod:`sot.warnings.core.follow`);
    open suggestions for municipalities no longer touched are cleared.
    """
    now = now or timezone.now()
    rules = list(SuggestionRule.objects.filter(enabled=True))
    by_municipality: dict[int, list[Point]] = defaultdict(list)
    for point in message.points.select_related("municipality"):
        by_municipality[point.municipality_id].append(point)
    kept: list[int] = []
    current = {
        s.municipality_id: s
        for s in message.suggestions.exclude(state=SuggestionState.CLEARED)
    }
    for municipality_id, points in by_municipality.items():
        municipality = points[0].municipality
        rule = next((r for r in rules if rule_matches(r, message, municipality)), None)
        suggestion = current.get(municipality_id)
        if rule is None:
            continue
        if suggestion is None:
            suggestion = Suggestion.objects.create(
                municipality=municipality,
                message=message,
                rule=rule,
                action=rule.action,
                is_exercise=message.is_exercise,
                created_at=now,
            )
        elif suggestion.state == SuggestionState.OPEN or follow.reopens(
            state=suggestion.state,
            decision=suggestion.decision,
            has_event=suggestion.event_id is not None,
            action=rule.action,
        ):
            # An escalation (orange to red) after readiness was raised puts the
            # suggestion before the officer again, now to open an event.
            suggestion.state = SuggestionState.OPEN
            suggestion.rule = rule
            suggestion.action = rule.action
            suggestion.is_exercise = message.is_exercise
            suggestion.save(
                update_fields=["state", "rule", "action", "is_exercise", "updated_at"]
            )
        if following.can_become_event(suggestion):
            suggestion.points.set(points)
        kept.append(suggestion.pk)
    for suggestion in current.values():
        if suggestion.pk not in kept and suggestion.state == SuggestionState.OPEN:
            suggestion.state = SuggestionState.CLEARED
            suggestion.cause_ended_at = now
            suggestion.save(update_fields=["state", "cause_ended_at", "updated_at"])
    return sorted(kept)


def expire_messages(*, now: datetime | None = None) -> int:
    """Mark messages whose validity has passed as expired; returns how many."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        for message in WarningMessage.objects.filter(
            state=MessageState.IN_FORCE, expires__lt=now, keep_after_expiry=False
        ):
            _end(message, MessageState.EXPIRED, "expired", now)
            count += 1
    return count


def end_message(
    *, message: WarningMessage, by, now: datetime | None = None
) -> WarningMessage:
    """End an in-force message by hand (a coordinator ends an exercise or a replay)."""
    policy.require(by, perm.END_WARNING)
    with transaction.atomic():
        if message.state == MessageState.IN_FORCE:
            _end(
                message,
                MessageState.ENDED,
                f"ended by {by.username}",
                now or timezone.now(),
            )
    return message


# --------------------------------------------------------------------- queries


def in_force():
    return WarningMessage.objects.filter(state=MessageState.IN_FORCE)


def warnings_for_point(point: Point):
    """The warnings in force that touch ``point`` (for the officials' point page)."""
    return in_force().filter(points=point).order_by("-sent")


def suggestions_for(user, *, states=(SuggestionState.OPEN,)):
    """The suggestions in ``user``'s scope (an officer: their municipality)."""
    qs = Suggestion.objects.select_related("message", "municipality", "rule", "event")
    if states:
        qs = qs.filter(state__in=states)
    return policy.filter_allowed(
        user, perm.VIEW_SUGGESTION, qs, municipality_path="municipality"
    )


def raised_suggestions_for(user):
    """Suggestions in ``user``'s scope on which readiness was raised and that can
    still become an event (their warning is in force, no event opened yet)."""
    return suggestions_for(user, states=(SuggestionState.ACCEPTED,)).filter(
        decision=Decision.READINESS_RAISED,
        event__isnull=True,
        cause_ended_at__isnull=True,
    )


def rules_for(user):
    """The suggestion rules ``user`` sees: their county's and those for every county."""
    qs = SuggestionRule.objects.all()
    if policy.can(user, policy.ADMINISTER):
        return qs
    return qs.filter(county_code__in=[policy.home_county(user), ""])


def save_rule(*, rule: SuggestionRule, by) -> SuggestionRule:
    """Save a suggestion rule (new or changed); a rule for every county is the
    superuser's, a county's rule its coordinator's. Raises ``Refused`` otherwise."""
    if rule.pk is not None:
        before = SuggestionRule.objects.get(pk=rule.pk)
        policy.require(by, perm.CHANGE_RULE, before)
    policy.require(by, perm.CHANGE_RULE, rule)
    with transaction.atomic():
        rule.save()
    return rule


def delete_rule(*, rule: SuggestionRule, by) -> None:
    """Delete a suggestion rule (the superuser's task, as in the admin)."""
    policy.require(by, policy.ADMINISTER)
    rule.delete()


def save_source(*, source: WarningSource, by) -> WarningSource:
    """Save a polled warnings source (new or changed): a coordinator's or the
    superuser's task. The poller's own fields are written by :mod:`polling`."""
    policy.require(by, perm.CHANGE_RULE)
    with transaction.atomic():
        source.save()
    log.info("warnings source %s saved by %s", source.slug, by)
    return source


def delete_source(*, source: WarningSource, by) -> None:
    """Delete a polled warnings source (the superuser's task)."""
    policy.require(by, policy.ADMINISTER)
    log.info("warnings source %s deleted by %s", source.slug, by)
    source.delete()


def delete_warning(*, message: WarningMessage, by) -> None:
    """Delete a stored warning with its areas and suggestions (the superuser's task;
    a warning otherwise ends through its source or by hand). Like every write to
    the warnings app, a public change (:mod:`sot.public.pagecache`)."""
    policy.require(by, policy.ADMINISTER)
    with transaction.atomic():
        log.info("warning %s %s deleted by %s", message.source, message.identifier, by)
        message.delete()


def delete_suggestion(*, suggestion: Suggestion, by) -> None:
    """Delete a suggestion (the superuser's task; officials decide them instead).
    An event opened from it stays."""
    policy.require(by, policy.ADMINISTER)
    with transaction.atomic():
        log.info("suggestion %s deleted by %s", suggestion.pk, by)
        suggestion.delete()
