"""What the public may be told about one point: the one truth every output derives from.

:func:`public_state` takes a point's register offers, its activations (each with its
event, whether that is an exercise, and its status reports), the restrictions in
force and the clock, and returns a :class:`PointPublicState`. The pages, the static
snapshot, GeoJSON, OGC API, CSV, CAP, Atom, the printed notices and the SMS replies
are all rendered from it (through :mod:`sot.public.state`); none computes a state of
its own.

The rules (issue #11):

* Only activations in running events count (started, not ended), and not a
  *suspended* exercise activation (set aside because a real event took the point).
* **Real before exercise**: when any real event touches the point, exercise
  activations are ignored, so nothing of the exercise reaches the public.
* Among the remaining activations the most serving state wins (open, limited,
  activating, alerted, unknown, closed); ties go to the newest change.
* The newest report is the one with the newest *observation* time (``observed_at``
  when the client sent one, else ``created_at``; then the larger id).
* **Stale or unknown**: a point expected to report (alerted, activating, open,
  limited) whose last sign of life (report or "still current") is older than the
  event's threshold, or whose state is already *unknown*, is shown as unknown: every
  service and fuel product is *unknown*, the public note is withheld, and
  ``last_state``/``last_reported_at`` say what was last reported and when. No next
  update is promised that has already passed.
* A closed point offers nothing: every service is *not available*.
* A restriction (e.g. diesel: rescue services only until 18:00) belongs to an event
  and a point; while in force in the shown event it turns an available service into
  *limited* with its reason and end time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sot.operations.core.freshness import DEFAULT_STALE_AFTER
from sot.operations.core.vocabulary import Availability as ReportedAvailability
from sot.operations.core.vocabulary import PointState
from sot.vocabulary import PublicAvailability, PublicState

#: Whether the public can get a service or fuel product at the point (defined once
#: in sot.vocabulary).
Availability = PublicAvailability


#: The point's state as the public sees it (defined once in sot.vocabulary).
Shown = PublicState


#: Operations state -> public state (when the report is fresh).
STATE_MAP: dict[str, Shown] = {
    PointState.ALERTED: Shown.PREPARING,
    PointState.ACTIVATING: Shown.PREPARING,
    PointState.OPEN: Shown.OPEN,
    PointState.LIMITED: Shown.LIMITED,
    PointState.CLOSED: Shown.CLOSED,
    PointState.UNKNOWN: Shown.UNKNOWN,
}
#: States in which the point owes the public a report (they go unknown when silent).
OWES_REPORT = frozenset(
    {PointState.ALERTED, PointState.ACTIVATING, PointState.OPEN, PointState.LIMITED}
)
_PRIORITY: dict[str, int] = {
    PointState.OPEN: 5,
    PointState.LIMITED: 4,
    PointState.ACTIVATING: 3,
    PointState.ALERTED: 2,
    PointState.UNKNOWN: 1,
    PointState.CLOSED: 0,
}
_REPORTED: dict[str, PublicAvailability] = {
    ReportedAvailability.YES: Availability.AVAILABLE,
    ReportedAvailability.LIMITED: Availability.LIMITED,
    ReportedAvailability.NO: Availability.NOT_AVAILABLE,
}


@dataclass(frozen=True)
class Offer:
    """One thing the register says the point offers.

    ``kind`` is ``"service"`` or ``"fuel"``; ``report_key`` is where a status report
    says it (the key in ``services`` or ``fuel_products``).
    """

    key: str
    kind: str = "service"
    report_key: str = ""

    @property
    def reported_as(self) -> str:
        return self.report_key or self.key


@dataclass(frozen=True)
class Report:
    """The public parts of one status report."""

    id: int
    created_at: datetime
    state: str
    services: Mapping[str, str] = field(default_factory=dict)
    fuel_products: Mapping[str, str] = field(default_factory=dict)
    payment_methods: tuple[str, ...] = ()
    public_note: str = ""
    observed_at: datetime | None = None

    @property
    def at(self) -> datetime:
        """When it was observed (the client's time if sent, else when stored)."""
        return self.observed_at or self.created_at


@dataclass(frozen=True)
class Activation:
    """A point within one event, with what the rules need about that event."""

    event_id: int
    event_name: str
    is_exercise: bool
    event_starts_at: datetime
    state: str
    state_changed_at: datetime
    event_ends_at: datetime | None = None
    last_seen_at: datetime | None = None
    suspended: bool = False
    stale_after: timedelta = DEFAULT_STALE_AFTER
    reports: tuple[Report, ...] = ()
    #: The point's opening hours set for this event (see sot.public.core.hours):
    #: ``""`` for every day of the event, ISO dates for single days.
    opening_hours: Mapping[str, str] = field(default_factory=dict)

    def running(self, now: datetime) -> bool:
        return self.event_starts_at <= now and (
            self.event_ends_at is None or now < self.event_ends_at
        )


@dataclass(frozen=True)
class Restriction:
    """A restriction on one service or fuel product at a point, in one event."""

    event_id: int
    key: str
    reason: str
    starts_at: datetime | None = None
    until: datetime | None = None
    withdrawn_at: datetime | None = None

    def in_force(self, now: datetime) -> bool:
        return (
            (self.starts_at is None or self.starts_at <= now)
            and (self.until is None or now < self.until)
            and (self.withdrawn_at is None or now < self.withdrawn_at)
        )


@dataclass(frozen=True)
class OfferState:
    """One service or fuel product as the public sees it."""

    key: str
    availability: Availability
    reason: str = ""
    until: datetime | None = None

    @property
    def available(self) -> bool:
        return self.availability in (Availability.AVAILABLE, Availability.LIMITED)


@dataclass(frozen=True)
class PointPublicState:
    """Everything the public may be told about a point at one moment."""

    state: Shown
    services: tuple[OfferState, ...] = ()
    fuel: tuple[OfferState, ...] = ()
    payment: tuple[str, ...] | None = None
    public_note: str = ""
    report_at: datetime | None = None
    updated_at: datetime | None = None
    next_update: datetime | None = None
    is_exercise: bool = False
    event_id: int | None = None
    event_name: str = ""
    stale: bool = False
    last_state: str = ""
    last_reported_at: datetime | None = None
    #: The shown activation's opening hours and its event's end (the hours end
    #: with it); which of them apply on a day is sot.public.core.hours' rule.
    opening_hours: Mapping[str, str] = field(default_factory=dict)
    event_ends_at: datetime | None = None

    @property
    def offers(self) -> tuple[OfferState, ...]:
        return self.services + self.fuel

    @property
    def live(self) -> bool:
        """True if an event has activated the point (not standby)."""
        return self.state != Shown.STANDBY


def newest_report(reports: Iterable[Report]) -> Report | None:
    """The report with the newest observation (then the larger id), or None."""
    return max(reports, key=lambda r: (r.at, r.id), default=None)


def shown_activation(
    activations: Iterable[Activation], now: datetime
) -> Activation | None:
    """The activation the public is told about: running, not suspended, real before
    exercise, the most serving state, then the newest change."""
    running = [a for a in activations if a.running(now)]
    real = [a for a in running if not a.is_exercise]
    candidates = real or [a for a in running if not a.suspended]
    return max(
        candidates,
        key=lambda a: (_PRIORITY.get(a.state, 0), a.state_changed_at, a.event_id),
        default=None,
    )


def real_event_touches(activations: Iterable[Activation], now: datetime) -> bool:
    """True if a running real event has this point (exercise text must not show)."""
    return any(a.running(now) and not a.is_exercise for a in activations)


def public_state(
    *,
    offers: Iterable[Offer],
    activations: Iterable[Activation],
    restrictions: Iterable[Restriction] = (),
    now: datetime,
) -> PointPublicState:
    """What the public may be told about one point at ``now`` (see module docs)."""
    offers = tuple(offers)
    act = shown_activation(activations, now)
    if act is None:
        return PointPublicState(
            state=Shown.STANDBY,
            services=_all(offers, "service", Availability.UNKNOWN),
            fuel=_all(offers, "fuel", Availability.UNKNOWN),
        )
    report = newest_report(r for r in act.reports if r.at <= now)
    report_at = report.at if report is not None else None
    heard = [t for t in (act.last_seen_at, report_at) if t is not None and t <= now]
    seen = max(heard) if heard else None
    reference = seen or act.state_changed_at
    stale = act.state == PointState.UNKNOWN or (
        act.state in OWES_REPORT and now - reference >= act.stale_after
    )
    common: dict[str, Any] = {
        "is_exercise": act.is_exercise,
        "event_id": act.event_id,
        "event_name": act.event_name,
        "report_at": report_at,
        "updated_at": seen or act.state_changed_at,
        "opening_hours": act.opening_hours,
        "event_ends_at": act.event_ends_at,
    }
    if stale:
        last = report.state if report is not None else act.state
        if last == PointState.UNKNOWN:
            last = ""
        return PointPublicState(
            state=Shown.UNKNOWN,
            services=_all(offers, "service", Availability.UNKNOWN),
            fuel=_all(offers, "fuel", Availability.UNKNOWN),
            stale=True,
            last_state=last,
            last_reported_at=report_at,
            **common,
        )
    shown = STATE_MAP.get(act.state, Shown.UNKNOWN)
    if shown == Shown.CLOSED:
        return PointPublicState(
            state=shown,
            services=_all(offers, "service", Availability.NOT_AVAILABLE),
            fuel=_all(offers, "fuel", Availability.NOT_AVAILABLE),
            **common,
        )
    in_force = {
        r.key: r
        for r in sorted(restrictions, key=lambda r: r.starts_at or now)
        if r.event_id == act.event_id and r.in_force(now)
    }
    services: list[OfferState] = []
    fuel: list[OfferState] = []
    for offer in offers:
        state = _offer_state(offer, report, in_force.get(offer.key))
        (fuel if offer.kind == "fuel" else services).append(state)
    next_update = reference + act.stale_after
    return PointPublicState(
        state=shown,
        services=tuple(services),
        fuel=tuple(fuel),
        payment=tuple(report.payment_methods)
        if report is not None and report.payment_methods
        else None,
        public_note=report.public_note if report is not None else "",
        next_update=next_update if next_update > now else None,
        **common,
    )


def _all(offers, kind: str, availability: Availability) -> tuple[OfferState, ...]:
    return tuple(OfferState(o.key, availability) for o in offers if o.kind == kind)


def _offer_state(
    offer: Offer, report: Report | None, restriction: Restriction | None
) -> OfferState:
    raw = None
    if report is not None:
        table = report.fuel_products if offer.kind == "fuel" else report.services
        raw = table.get(offer.reported_as)
        if raw is None and offer.kind == "fuel":
            raw = report.services.get(offer.key)
    availability = _REPORTED.get(raw or "", Availability.UNKNOWN)
    if restriction is not None and availability in (
        Availability.AVAILABLE,
        Availability.LIMITED,
    ):
        return OfferState(
            offer.key, Availability.LIMITED, restriction.reason, restriction.until
        )
    return OfferState(offer.key, availability)
