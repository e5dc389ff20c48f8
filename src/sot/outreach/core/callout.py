"""Calling out volunteers: whom to ask, and tracking answers until N have said yes.

Rule of thumb (issue #7): ask about three times as many people as are needed,
because many will be unreachable or busy.

:func:`propose` ranks candidates. :class:`CallOut` is a pure state machine: feed it
answers (in any order, any number of times) and it returns the messages to send.
The Django side loads it from rows, applies one event inside a transaction and
writes it back, so the rules live here and are tested without a database.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sot.outreach.core.commands import Answer

DEFAULT_FACTOR = 3
#: training that counts for the ranking when none is named (FRG grundutbildning)
BASIC_COURSE = "frg_basic"
EARTH_RADIUS_M = 6_371_000.0


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in metres (good to ~0.5 %, plenty for ranking people)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Candidate:
    """A person who could be called out."""

    id: Hashable
    skills: frozenset[str] = frozenset()
    #: course -> date completed
    trainings: Mapping[str, date] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    available: bool = True


@dataclass(frozen=True)
class Proposal:
    candidate_id: Hashable
    matched_skills: tuple[str, ...]
    trained: bool
    distance_m: float | None


def propose(
    candidates: Iterable[Candidate],
    *,
    needed: int,
    skills: Iterable[str] = (),
    origin: tuple[float, float] | None = None,
    factor: float = DEFAULT_FACTOR,
    training: str = BASIC_COURSE,
    training_valid_days: int | None = None,
    today: date | None = None,
    fill_without_skill: bool = False,
    max_distance_m: float | None = None,
) -> list[Proposal]:
    """Whom to contact: ``ceil(factor * needed)`` people, best first.

    Ranking, in order: more of the asked-for skills; the named training completed
    (and, if ``training_valid_days`` is given, not older than that on ``today``);
    nearer to ``origin`` (unknown location last); then id, so the result is
    deterministic. Unavailable people are never proposed. When skills are asked
    for, people with none of them are left out unless ``fill_without_skill``.
    Fewer than ``factor * needed`` come back when there are not enough people.
    """
    if needed <= 0:
        return []
    wanted = frozenset(skills)
    count = math.ceil(factor * needed)
    scored: list[tuple[tuple, Proposal]] = []
    for c in candidates:
        if not c.available:
            continue
        matched = tuple(sorted(wanted & c.skills))
        if wanted and not matched and not fill_without_skill:
            continue
        completed = c.trainings.get(training)
        trained = completed is not None
        if completed is not None and training_valid_days is not None and today:
            trained = (today - completed).days <= training_valid_days
        distance = None
        if origin is not None and c.lat is not None and c.lon is not None:
            distance = great_circle_m(origin[0], origin[1], c.lat, c.lon)
            if max_distance_m is not None and distance > max_distance_m:
                continue
        key = (
            -len(matched),
            0 if trained else 1,
            distance if distance is not None else math.inf,
            str(c.id),
        )
        scored.append((key, Proposal(c.id, matched, trained, distance)))
    scored.sort(key=lambda item: item[0])
    return [p for _, p in scored[:count]]


class PersonStatus(StrEnum):
    PENDING = "pending"  # asked, no answer yet
    YES = "yes"  # confirmed: counts towards N
    SURPLUS = "surplus"  # said yes after N were reached; told not needed
    NO = "no"
    LATER = "later"
    NOT_NEEDED = "not_needed"  # told that they are not needed


class CallOutState(StrEnum):
    OPEN = "open"
    FILLED = "filled"
    CANCELLED = "cancelled"


class Action(StrEnum):
    """Message the caller must send (one per person per action)."""

    CONFIRM = "confirm"  # you are booked
    NOT_NEEDED = "not_needed"  # enough people; you are not needed
    ACK_NO = "ack_no"
    ACK_LATER = "ack_later"
    REMIND = "remind"
    CANCELLED = "cancelled"


@dataclass
class Person:
    """One contacted person and what we know of their answers."""

    id: Hashable
    status: PersonStatus = PersonStatus.PENDING
    contacted_at: datetime | None = None
    last_asked_at: datetime | None = None
    #: time the latest applied answer was sent by the person
    answered_at: datetime | None = None
    #: processing order of the yes that confirmed (or queued) them
    yes_seq: int | None = None
    reminders: int = 0
    seen: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Outcome:
    person_id: Hashable
    action: Action


@dataclass
class CallOut:
    """State of one call-out.

    Rules:

    * An answer is applied once per ``message_id`` (a duplicate delivery changes
      nothing).
    * Per person the answer *sent* last wins: an answer older (by ``sent_at``) than
      the one already applied is recorded as seen but ignored, so answers arriving
      out of order end in the person's real last word.
    * Yes answers are confirmed in the order they are processed until ``needed`` is
      reached: a confirmation that was sent is never taken back. A yes after that is
      ``SURPLUS`` and told not needed.
    * When the call-out fills, everybody still pending or "later" is told not needed.
    * A confirmed person who then says no frees a place: the call-out opens again
      and the earliest surplus yes (if any) is confirmed.
    """

    needed: int
    state: CallOutState = CallOutState.OPEN
    people: dict[Hashable, Person] = field(default_factory=dict)
    seq: int = 0

    # --- queries --------------------------------------------------------------------
    @property
    def confirmed(self) -> list[Hashable]:
        yes = [p for p in self.people.values() if p.status is PersonStatus.YES]
        return [p.id for p in sorted(yes, key=lambda p: p.yes_seq or 0)]

    @property
    def yes_count(self) -> int:
        return sum(1 for p in self.people.values() if p.status is PersonStatus.YES)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in PersonStatus}
        for p in self.people.values():
            out[p.status.value] += 1
        return out

    @property
    def exhausted(self) -> bool:
        """Open, and nobody left who might still say yes."""
        return self.state is CallOutState.OPEN and not any(
            p.status in (PersonStatus.PENDING, PersonStatus.LATER)
            for p in self.people.values()
        )

    # --- events ---------------------------------------------------------------------
    def contact(self, person_id: Hashable, at: datetime) -> bool:
        """Record that ``person_id`` was asked. False if already asked."""
        if person_id in self.people:
            return False
        self.people[person_id] = Person(id=person_id, contacted_at=at, last_asked_at=at)
        return True

    def answer(
        self,
        person_id: Hashable,
        answer: Answer,
        *,
        sent_at: datetime,
        message_id: str,
    ) -> list[Outcome]:
        """Apply one answer; return the messages to send because of it."""
        person = self.people.get(person_id)
        if person is None or message_id in person.seen:
            return []
        person.seen.add(message_id)
        if person.answered_at is not None and sent_at < person.answered_at:
            return []  # an older answer overtaken by a newer one
        person.answered_at = sent_at
        if self.state is CallOutState.CANCELLED:
            return []
        if answer is Answer.YES:
            return self._yes(person)
        if answer is Answer.NO:
            return self._no(person)
        return self._later(person)

    def _yes(self, person: Person) -> list[Outcome]:
        if person.status in (PersonStatus.YES, PersonStatus.SURPLUS):
            return []
        self.seq += 1
        person.yes_seq = self.seq
        if self.state is CallOutState.FILLED:
            person.status = PersonStatus.SURPLUS
            return [Outcome(person.id, Action.NOT_NEEDED)]
        person.status = PersonStatus.YES
        out = [Outcome(person.id, Action.CONFIRM)]
        if self.yes_count >= self.needed:
            out.extend(self._fill())
        return out

    def _fill(self) -> list[Outcome]:
        self.state = CallOutState.FILLED
        out = []
        for p in self.people.values():
            if p.status in (PersonStatus.PENDING, PersonStatus.LATER):
                p.status = PersonStatus.NOT_NEEDED
                out.append(Outcome(p.id, Action.NOT_NEEDED))
        return out

    def _no(self, person: Person) -> list[Outcome]:
        was_yes = person.status is PersonStatus.YES
        if person.status is PersonStatus.NO:
            return []
        person.status = PersonStatus.NO
        person.yes_seq = None
        out = [Outcome(person.id, Action.ACK_NO)]
        if was_yes and self.state is CallOutState.FILLED:
            self.state = CallOutState.OPEN
            surplus = sorted(
                (p for p in self.people.values() if p.status is PersonStatus.SURPLUS),
                key=lambda p: p.yes_seq or 0,
            )
            if surplus:
                surplus[0].status = PersonStatus.YES
                out.append(Outcome(surplus[0].id, Action.CONFIRM))
                if self.yes_count >= self.needed:
                    out.extend(self._fill())
        return out

    def _later(self, person: Person) -> list[Outcome]:
        if person.status is PersonStatus.LATER:
            return []
        if self.state is CallOutState.FILLED:
            if person.status is PersonStatus.YES:
                # "later" from a confirmed person: treat as cancelling the yes
                return self._no(person)
            return []
        if person.status is PersonStatus.YES:
            # withdrawn yes while open: one place frees up
            person.yes_seq = None
        person.status = PersonStatus.LATER
        return [Outcome(person.id, Action.ACK_LATER)]

    def due_reminders(
        self, now: datetime, *, after: timedelta, max_reminders: int = 1
    ) -> list[Hashable]:
        """People to remind now: pending or "later", asked at least ``after`` ago."""
        if self.state is not CallOutState.OPEN:
            return []
        due = []
        for p in self.people.values():
            if p.status not in (PersonStatus.PENDING, PersonStatus.LATER):
                continue
            if p.reminders >= max_reminders or p.last_asked_at is None:
                continue
            since = p.last_asked_at
            if p.status is PersonStatus.LATER and p.answered_at is not None:
                since = max(since, p.answered_at)
            if now - since >= after:
                due.append(p.id)
        return due

    def reminded(self, person_id: Hashable, at: datetime) -> None:
        person = self.people[person_id]
        person.reminders += 1
        person.last_asked_at = at

    def cancel(self) -> list[Outcome]:
        """Stop the call-out: everybody who said yes or has not answered is told."""
        if self.state is CallOutState.CANCELLED:
            return []
        self.state = CallOutState.CANCELLED
        out = []
        for p in self.people.values():
            if p.status in (PersonStatus.PENDING, PersonStatus.LATER, PersonStatus.YES):
                out.append(Outcome(p.id, Action.CANCELLED))
                if p.status is not PersonStatus.YES:
                    p.status = PersonStatus.NOT_NEEDED
        return out
