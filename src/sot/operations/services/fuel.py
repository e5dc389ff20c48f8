"""Fuel deliveries into a point's tank."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations.core import fuel
from sot.operations.models import (
    Activation,
    Event,
    FuelDelivery,
    LogKind,
    Source,
)
from sot.operations.queries import tank_l_of
from sot.operations.services.activation import (
    get_activation,
)
from sot.operations.services.common import (
    OperationRefused,
    _log,
    _placed,
    _received,
    as_uid,
    stored_once,
)
from sot.validation import bounds


@stored_once(FuelDelivery)
def record_fuel_delivery(
    *,
    point,
    event: Event,
    recorded_by,
    delivered_l: float,
    delivered_at: datetime | None = None,
    supplier: str = "",
    note: str = "",
    source: str = Source.WEB,
    uid=None,
    sent_at: datetime | None = None,
    via_box: str = "",
) -> FuelDelivery:
    """Log a delivery to the point's generator tank and update the known level.

    ``uid``, ``delivered_at`` (observed) and ``sent_at`` as for
    :func:`submit_status_report`."""
    policy.require(recorded_by, perm.RECORD_DELIVERY, point)
    if delivered_l is None or bounds.DELIVERY_L.problem(delivered_l) is not None:
        raise OperationRefused(
            "bad_amount",
            _("Ange levererad mängd i liter (%(low)d–%(high)d).")
            % {"low": bounds.DELIVERY_L.low, "high": bounds.DELIVERY_L.high},
        )
    received = timezone.now()
    placed = _placed(delivered_at, sent_at, received)
    at = placed.observed_at
    with transaction.atomic():
        activation = get_activation(event=event, point=point, lock=True)
        existing = _received(
            FuelDelivery, uid, check=lambda d: d.activation_id == activation.pk
        )
        if existing is not None:
            return existing
        before = after = None
        if _readable_level(activation):
            curve = _curve(point)
            if curve is not None:
                before = fuel.level_at(
                    level_l=activation.fuel_level_l,
                    measured_at=activation.fuel_level_at,
                    at=at,
                    curve=curve,
                    load_pct=activation.load_pct
                    if activation.load_pct is not None
                    else 50,
                )
            else:
                before = activation.fuel_level_l
            tank_l = tank_l_of(point)
            _check_room(delivered_l=delivered_l, before=before, tank_l=tank_l)
            after = (
                fuel.level_after_delivery(
                    level_l=before, delivered_l=delivered_l, tank_l=tank_l
                )
                if tank_l
                else before + delivered_l
            )
            activation.fuel_level_l = after
            activation.fuel_level_at = at
            activation.save(update_fields=["fuel_level_l", "fuel_level_at"])
        delivery = FuelDelivery.objects.create(
            activation=activation,
            delivered_at=at,
            delivered_l=delivered_l,
            supplier=supplier,
            level_before_l=before,
            level_after_l=after,
            recorded_by=recorded_by,
            source=source,
            note=note,
            uid=as_uid(uid) or uuid.uuid4(),
            received_at=received,
            clock_offset_s=placed.clock_offset_s,
            via_box=via_box,
        )
        text = _("Bränsleleverans till %(point)s: %(l)d liter") % {
            "point": point.name,
            "l": round(delivered_l),
        }
        if supplier:
            text += f" ({supplier})"
        if after is not None:
            text += ", " + _("nivå nu %(l)d l") % {"l": round(after)}
        _log(
            event=event,
            point=point,
            kind=LogKind.DELIVERY,
            author=recorded_by,
            source=source,
            at=at,
            text=text + ".",
        )
    return delivery


def _readable_level(activation: Activation) -> bool:
    """True if the activation's stored fuel level can be used in the arithmetic (a
    row stored before the bounds existed may not: it counts as unknown)."""
    level, load = activation.fuel_level_l, activation.load_pct
    return (
        level is not None
        and activation.fuel_level_at is not None
        and bounds.FUEL_L.problem(level) is None
        and (load is None or bounds.PCT.problem(load) is None)
    )


#: How far an estimated level may be off before a delivery is called too large.
ROOM_SLACK = 0.1


def _check_room(*, delivered_l: float, before: float, tank_l: float | None) -> None:
    """Refuse a delivery clearly larger than the free room in the tank (the level
    is an estimate, so 10 % of the tank is allowed on top), with the numbers."""
    if not tank_l:
        return
    free = max(tank_l - before, 0.0)
    if delivered_l > free + ROOM_SLACK * tank_l:
        raise OperationRefused(
            "tank_overfull",
            _(
                "Leveransen (%(delivered)d l) får inte plats: tanken rymmer "
                "%(tank)d l och har nu ungefär %(level)d l, alltså cirka %(free)d l "
                "ledigt. Kontrollera mängden eller rapportera en ny nivå först."
            )
            % {
                "delivered": round(delivered_l),
                "tank": round(tank_l),
                "level": round(before),
                "free": round(free),
            },
        )


def _curve(point) -> fuel.ConsumptionCurve | None:
    backup = getattr(point, "backup_power", None)
    try:
        return backup.curve() if backup is not None else None
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist or a bad curve
        return None
