"""Rows as the plain data :func:`sot.operations.core.public_state.public_state` takes.

One adapter for every reader of the public state rules: the public site
(:mod:`sot.public.state`) and the officials' situation report
(:mod:`sot.operations.queries`). Only the public parts of a report are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sot.operations.conf import stale_after
from sot.operations.core import public_state as core
from sot.operations.models import FUEL_PRODUCT_KEYS, Activation, Event, StatusReport
from sot.registry.catalogue import FUEL_SERVICES, PAYMENT_SERVICES


def offers(point) -> tuple[core.Offer, ...]:
    """What the register says ``point`` offers (its ``point_services`` with service,
    prefetched by the caller); payment methods are not offers."""
    return offers_of(ps.service.code for ps in point.point_services.all())


def offers_of(codes: Iterable[str]) -> tuple[core.Offer, ...]:
    """The offers of a point whose register services have these ``codes`` (in
    order); payment methods are not offers."""
    out = []
    for code in codes:
        if code in FUEL_SERVICES:
            out.append(core.Offer(code, "fuel", FUEL_PRODUCT_KEYS.get(code, code)))
        elif code not in PAYMENT_SERVICES:
            out.append(core.Offer(code))
    return tuple(out)


def plain_report(report: StatusReport) -> core.Report:
    """The public parts of a status report, as plain data."""
    return core.Report(
        id=report.pk or 0,
        created_at=getattr(report, "received_at", None) or report.observed_at,
        observed_at=report.observed_at,
        state=report.state,
        services=dict(report.services or {}),
        fuel_products=dict(report.fuel_products or {}),
        payment_methods=tuple(report.payment_methods or ()),
        public_note=report.public_note,
    )


def plain_activation(
    act: Activation, event: Event, *, reports: list[StatusReport] | None = None
) -> core.Activation:
    """An activation with its event, as plain data (``reports`` default: the last)."""
    if reports is None:
        reports = [act.last_report] if act.last_report_id else []
    return core.Activation(
        event_id=event.pk,
        event_name=event.name,
        is_exercise=event.is_exercise,
        event_starts_at=event.starts_at,
        event_ends_at=event.ends_at,
        state=act.state,
        state_changed_at=act.state_changed_at,
        last_seen_at=act.last_seen_at,
        suspended=act.suspended_at is not None,
        stale_after=stale_after(event),
        reports=tuple(plain_report(r) for r in reports),
        opening_hours=dict(act.opening_hours or {}),
    )


def plain_restriction(m) -> core.Restriction:
    """A restriction (a ``sot.public.models.PublicMessage`` naming a service and a
    kind) as plain data."""
    return core.Restriction(
        event_id=m.event_id,
        key=m.service_code,
        reason=m.restriction if m.restriction != "other" else m.text,
        starts_at=m.published_at,
        until=m.expires_at,
        withdrawn_at=m.withdrawn_at,
    )


def activation_at(
    act, event, reports, changes, confirmed, at, rests=None
) -> core.Activation:
    """The activation as it stood at ``at``, from its append-only history:
    ``reports`` and ``changes`` oldest first, ``confirmed`` the times its reports
    were confirmed "still current", ``rests`` its rests for a real event
    (:class:`ActivationRest`; None: only whether it rests now, as far as ``at``)."""
    state = act.state
    changed_at = act.state_changed_at
    past = [c for c in changes if c.at <= at]
    if past:
        state, changed_at = past[-1].state, past[-1].at
    before = [r for r in reports if r.observed_at <= at]
    heard = [t for t in confirmed if t <= at]
    if before:
        heard.append(before[-1].observed_at)
    seen = max(heard) if heard else None
    plain = plain_activation(act, event, reports=before[-1:])
    return replace(
        plain,
        state=state,
        state_changed_at=changed_at,
        last_seen_at=seen,
        event_ends_at=event.ends_at if event.ends_at and event.ends_at <= at else None,
        suspended=any(r.covers(at) for r in rests)
        if rests is not None
        else act.suspended_at is not None and act.suspended_at <= at,
    )
