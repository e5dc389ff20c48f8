"""Call-out of volunteers from an activation (issue #7, point 2).

The rules are :class:`sot.outreach.core.callout.CallOut`; this module loads that state
from the database under a row lock, applies one event, writes it back, queues the
messages the rules ask for and writes the event's logbook. The logbook gets counts
only, never names, so that erasing a person (GDPR) leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from sot.accounts import policy
from sot.errors import Invalid
from sot.operations.models import Activation, LogKind, Source
from sot.operations.services import add_log_entry
from sot.outreach import conf
from sot.outreach import permissions as perm
from sot.outreach.core.callout import (
    Action,
    CallOutState,
    Candidate,
    Person,
    PersonStatus,
)
from sot.outreach.core.callout import CallOut as CallOutRules
from sot.outreach.core.callout import propose as propose_candidates
from sot.outreach.core.commands import Answer
from sot.outreach.core.templates import render
from sot.outreach.delivery import enqueue, queue_message
from sot.outreach.models import CallOut, Member, Recipient, Skill
from sot.validation import bounds

log = logging.getLogger("sot.outreach")

_SKILL_WORDS = {
    "sv": {
        "first_aid": "första hjälpen",
        "electrician": "elektriker",
        "generator": "elverk",
        "driver": "förare",
        "radio": "radio",
        "languages": "språk",
    },
    "en": {
        "first_aid": "first aid",
        "electrician": "electrician",
        "generator": "generator",
        "driver": "driver",
        "radio": "radio",
        "languages": "languages",
    },
}


class CallOutRefused(Invalid):
    """A call-out the rules refuse (422)."""

    def __init__(self, code: str, message: str):
        super().__init__(message, code=code)


def _local_time(at: datetime) -> str:
    return timezone.localtime(at).strftime("%H:%M")


def candidates_for(activation: Activation) -> list[Member]:
    """People who could be asked: the point's roster, then its municipality's."""
    point = activation.point
    return list(
        Member.objects.filter(municipality=point.municipality)
        .exclude(phone="")
        .prefetch_related("trainings")
    )


def _candidate(member: Member) -> Candidate:
    return Candidate(
        id=member.pk,
        skills=frozenset(member.skills or []),
        trainings={t.course: t.completed_on for t in member.trainings.all()},
        lat=member.lat,
        lon=member.lon,
        available=member.available,
    )


def propose(
    *,
    activation: Activation,
    needed: int,
    skills: Iterable[str],
    factor: int | None = None,
):
    """Whom a call-out would ask, best first (about factor x needed people)."""
    members = {m.pk: m for m in candidates_for(activation)}
    proposals = propose_candidates(
        (_candidate(m) for m in members.values()),
        needed=needed,
        skills=list(skills),
        origin=(activation.point.lat, activation.point.lon),
        factor=factor or conf.get(conf.CALLOUT_FACTOR),
    )
    return [(members[p.candidate_id], p) for p in proposals]


def _values(callout: CallOut, member: Member) -> dict[str, str]:
    lang = member.language
    words = _SKILL_WORDS.get(lang, _SKILL_WORDS["sv"])
    skills = ", ".join(words.get(s, s) for s in callout.skills) or (
        "alla" if lang == "sv" else "any"
    )
    return {
        "point": callout.activation.point.name,
        "needed": str(callout.needed),
        "skills": skills,
        "time": callout.starts_at_text or _local_time(callout.created_at),
        "ref": callout.ref,
        "name": member.name.split()[0] if member.name else "",
        "contact": _contact_for(callout),
        "minutes": str(callout.reminder_after_minutes),
    }


def _contact_for(callout: CallOut) -> str:
    user = callout.created_by
    phone = getattr(user, "phone", "") if user is not None else ""
    return phone or "kommunen"


_TEMPLATE = {
    Action.CONFIRM: "callout_confirmed",
    Action.NOT_NEEDED: "callout_not_needed",
    Action.ACK_NO: "callout_no_ack",
    Action.ACK_LATER: "callout_later_ack",
    Action.REMIND: "callout_reminder",
    Action.CANCELLED: "callout_cancelled",
}


def _send(callout: CallOut, member: Member, action: str, key: str) -> None:
    template = "callout_request" if action == "request" else _TEMPLATE[Action(action)]
    body = render(template, member.language, _values(callout, member))
    queue_message(
        key=f"callout:{callout.pk}:{member.pk}:{key}",
        channel="sms",
        to=member.phone,
        body=body,
        purpose=template,
        member=member,
        callout=callout,
    )


def _log(callout: CallOut, text: str, *, by=None, kind=LogKind.MESSAGE) -> None:
    activation = callout.activation
    add_log_entry(
        event=activation.event,
        author=by,
        point=activation.point,
        kind=kind,
        text=text,
        source=Source.SYSTEM if by is None else Source.WEB,
    )


def start_callout(
    *,
    activation: Activation,
    needed: int,
    skills: Iterable[str] = (),
    by,
    factor: int | None = None,
    reminder_after_minutes: int | None = None,
    max_reminders: int | None = None,
    starts_at_text: str = "",
    now: datetime | None = None,
) -> CallOut:
    """Ask about ``factor`` x ``needed`` people with the skills and send the SMS."""
    policy.require(by, perm.START_CALLOUT, activation.point)
    skills = [str(Skill(s)) for s in skills]
    if bounds.CALLOUT_PEOPLE.problem(needed) is not None:
        raise CallOutRefused(
            "needed",
            _("Ange hur många som behövs (%(low)d–%(high)d).")
            % {
                "low": bounds.CALLOUT_PEOPLE.low,
                "high": bounds.CALLOUT_PEOPLE.high,
            },
        )
    now = now or timezone.now()
    factor = factor or conf.get(conf.CALLOUT_FACTOR)
    with transaction.atomic():
        chosen = propose(
            activation=activation, needed=needed, skills=skills, factor=factor
        )
        if not chosen:
            raise CallOutRefused(
                "nobody", _("Det finns ingen i rullan med de färdigheterna.")
            )
        callout = CallOut.objects.create(
            activation=activation,
            needed=needed,
            skills=skills,
            factor=factor,
            created_by=by,
            created_at=now,
            starts_at_text=starts_at_text[:11],
            reminder_after_minutes=(
                reminder_after_minutes or conf.get(conf.CALLOUT_REMINDER_MINUTES)
            ),
            max_reminders=(
                max_reminders
                if max_reminders is not None
                else conf.get(conf.CALLOUT_MAX_REMINDERS)
            ),
        )
        for rank, (member, proposal) in enumerate(chosen, start=1):
            Recipient.objects.create(
                callout=callout,
                member=member,
                rank=rank,
                matched_skills=list(proposal.matched_skills),
                distance_m=proposal.distance_m,
                contacted_at=now,
                last_asked_at=now,
            )
            _send(callout, member, "request", "request")
        words = _SKILL_WORDS["sv"]
        _log(
            callout,
            _(
                "Utrop %(ref)s: %(needed)d behövs (%(skills)s), %(asked)d tillfrågade "
                "via SMS."
            )
            % {
                "ref": callout.ref,
                "needed": needed,
                "skills": ", ".join(words.get(s, s) for s in skills) or _("alla"),
                "asked": len(chosen),
            },
            by=by,
            kind=LogKind.ACTION,
        )
        run_after = now + timedelta(minutes=callout.reminder_after_minutes)
        transaction.on_commit(
            lambda: enqueue_reminders(callout.pk, run_after=run_after)
        )
    return callout


def _rules(callout: CallOut, recipients: list[Recipient]) -> CallOutRules:
    rules = CallOutRules(
        needed=callout.needed, state=CallOutState(callout.state), seq=callout.seq
    )
    for r in recipients:
        rules.people[r.member_id] = Person(
            id=r.member_id,
            status=PersonStatus(r.status),
            contacted_at=r.contacted_at,
            last_asked_at=r.last_asked_at,
            answered_at=r.answered_at,
            yes_seq=r.yes_seq,
            reminders=r.reminders,
            seen=set(r.seen_messages or []),
        )
    return rules


def _save(
    callout: CallOut, rules: CallOutRules, recipients: list[Recipient], now: datetime
) -> None:
    was = callout.state
    callout.state = rules.state.value
    callout.seq = rules.seq
    if callout.state != CallOutState.OPEN and was == CallOutState.OPEN:
        callout.closed_at = now
    elif callout.state == CallOutState.OPEN:
        callout.closed_at = None
    callout.save(update_fields=["state", "seq", "closed_at"])
    for r in recipients:
        p = rules.people[r.member_id]
        r.status = p.status.value
        r.answered_at = p.answered_at
        r.last_asked_at = p.last_asked_at
        r.yes_seq = p.yes_seq
        r.reminders = p.reminders
        r.seen_messages = sorted(p.seen)
        r.save(
            update_fields=[
                "status",
                "answered_at",
                "last_asked_at",
                "yes_seq",
                "reminders",
                "seen_messages",
            ]
        )


def _load(callout_id: int) -> tuple[CallOut, list[Recipient]]:
    callout = (
        CallOut.objects.select_for_update(of=("self",))
        .select_related("activation__point", "activation__event", "created_by")
        .get(pk=callout_id)
    )
    recipients = list(
        Recipient.objects.filter(callout=callout)
        .select_related("member")
        .order_by("rank")
    )
    return callout, recipients


def find_open_recipient(members, ref: str | None = None) -> Recipient | None:
    """The call-out an answer is about: by reference, else the newest not cancelled.

    ``members`` are the roster entries with the sender's number (one person may be
    in the roster of two municipalities).
    """
    if isinstance(members, Member):
        members = [members]
    qs = Recipient.objects.filter(member__in=members).select_related(
        "callout", "member"
    )
    if ref:
        match = (
            qs.filter(callout__ref=ref.upper()).order_by("-callout__created_at").first()
        )
        if match is not None:
            return match
    return (
        qs.exclude(callout__state=CallOutState.CANCELLED)
        .order_by("-callout__created_at")
        .first()
    )


def record_answer(
    *,
    member: Member | list[Member],
    answer: Answer,
    sent_at: datetime,
    message_id: str,
    ref: str | None = None,
) -> CallOut | None:
    """Apply a volunteer's answer (from an inbound SMS). Idempotent per message id."""
    recipient = find_open_recipient(member, ref)
    if recipient is None:
        return None
    member = recipient.member
    with transaction.atomic():
        callout, recipients = _load(recipient.callout_id)
        rules = _rules(callout, recipients)
        before = rules.state
        outcomes = rules.answer(
            member.pk, answer, sent_at=sent_at, message_id=message_id
        )
        _save(callout, rules, recipients, sent_at)
        by_member = {r.member_id: r.member for r in recipients}
        for o in outcomes:
            _send(
                callout,
                by_member[o.person_id],
                o.action.value,
                f"{o.action.value}:{message_id}",
            )
        if outcomes:
            _log(callout, _answer_line(callout, rules, answer))
        if before is CallOutState.OPEN and rules.state is CallOutState.FILLED:
            told = sum(1 for o in outcomes if o.action is Action.NOT_NEEDED)
            _log(
                callout,
                _(
                    "Utrop %(ref)s fyllt: %(yes)d av %(needed)d har sagt ja. Utropet är "
                    "stängt och %(told)d har fått besked att de inte behövs."
                )
                % {
                    "ref": callout.ref,
                    "yes": rules.yes_count,
                    "needed": callout.needed,
                    "told": told,
                },
                kind=LogKind.ACTION,
            )
    return callout


def _answer_line(callout: CallOut, rules: CallOutRules, answer: Answer) -> str:
    word = {Answer.YES: _("ja"), Answer.NO: _("nej"), Answer.LATER: _("senare")}[answer]
    return _("Utrop %(ref)s: svar %(word)s; %(yes)d av %(needed)d ja.") % {
        "ref": callout.ref,
        "word": word,
        "yes": rules.yes_count,
        "needed": callout.needed,
    }


def send_reminders(*, callout_id: int, now: datetime | None = None) -> int:
    """Remind those who have not answered (or said later); returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        callout, recipients = _load(callout_id)
        rules = _rules(callout, recipients)
        after = timedelta(minutes=callout.reminder_after_minutes)
        due = rules.due_reminders(now, after=after, max_reminders=callout.max_reminders)
        by_member = {r.member_id: r.member for r in recipients}
        for member_id in due:
            rules.reminded(member_id, now)
            person = rules.people[member_id]
            _send(
                callout,
                by_member[member_id],
                Action.REMIND.value,
                f"remind:{person.reminders}",
            )
        _save(callout, rules, recipients, now)
        if due:
            _log(
                callout,
                _("Utrop %(ref)s: påminnelse till %(n)d.")
                % {"ref": callout.ref, "n": len(due)},
            )
        still_waiting = rules.state is CallOutState.OPEN and any(
            p.reminders < callout.max_reminders
            and p.status in (PersonStatus.PENDING, PersonStatus.LATER)
            for p in rules.people.values()
        )
        if still_waiting:
            transaction.on_commit(
                lambda: enqueue_reminders(callout.pk, run_after=now + after)
            )
    return len(due)


def cancel_callout(*, callout: CallOut, by, now: datetime | None = None) -> CallOut:
    """Stop a call-out; everyone who said yes or has not answered is told."""
    policy.require(by, perm.CHANGE_CALLOUT, callout.activation.point)
    now = now or timezone.now()
    with transaction.atomic():
        callout, recipients = _load(callout.pk)
        rules = _rules(callout, recipients)
        outcomes = rules.cancel()
        _save(callout, rules, recipients, now)
        by_member = {r.member_id: r.member for r in recipients}
        for o in outcomes:
            _send(callout, by_member[o.person_id], o.action.value, "cancelled")
        if outcomes:
            _log(
                callout,
                _("Utrop %(ref)s avslutat; %(n)d meddelade.")
                % {"ref": callout.ref, "n": len(outcomes)},
                by=by,
                kind=LogKind.ACTION,
            )
    return callout


def summary(callout: CallOut) -> dict[str, int]:
    counts = {s.value: 0 for s in PersonStatus}
    for status in callout.recipients.values_list("status", flat=True):
        counts[status] += 1
    return counts


# -- background task (django-tasks) ---------------------------------------------------


@task()
def callout_reminders(callout_id: int) -> None:
    """Send the reminders that are due for a call-out, and come back later."""
    send_reminders(callout_id=callout_id)


def enqueue_reminders(callout_id: int, *, run_after: datetime) -> None:
    enqueue(callout_reminders, callout_id, run_after=run_after)
