"""The last check before any sot row is written: a ``pre_save`` receiver.

Forms, API schemas, import readers and SMS commands refuse bad input with a clear
message first; this backstop makes sure that a path that forgot (or a service called
directly) cannot store what another path refuses. It checks every concrete field:

* text: no NUL or other control characters (tab and newlines allowed in text areas),
  no lone surrogates, not longer than the column (PostgreSQL would fail with a 500,
  SQLite would store it);
* numbers: finite (no NaN or infinity) and inside the field's validators (the
  positive-integer columns refuse negatives) and the :data:`FIELD_RANGES` below;
* JSON: the same text rules for every string inside.

It raises :class:`django.core.exceptions.ValidationError`, which the API answers with
422 and the views show as a form error. ``QuerySet.update()`` and ``bulk_create()``
skip signals: code using them validates its rows itself (the import readers do).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save

from sot.validation import bounds

#: Ranges of numeric columns, by "app_label.ModelName" and field name.
FIELD_RANGES: dict[str, dict[str, bounds.Range]] = {
    "operations.StatusReport": {
        "people_present": bounds.PEOPLE,
        "capacity_people": bounds.PEOPLE,
        "generator_fuel_l": bounds.FUEL_L,
        "generator_fuel_pct": bounds.PCT,
        "generator_load_pct": bounds.PCT,
        "indoor_temp_c": bounds.TEMP_C,
    },
    "operations.Activation": {"fuel_level_l": bounds.FUEL_L, "load_pct": bounds.PCT},
    "operations.FuelDelivery": {
        "delivered_l": bounds.DELIVERY_L,
        "level_before_l": bounds.FUEL_L,
        "level_after_l": bounds.FUEL_L,
    },
    "operations.Event": {"stale_after_minutes": bounds.STALE_MINUTES},
    "outreach.CallOut": {"needed": bounds.CALLOUT_PEOPLE},
    "outreach.Member": {"lat": bounds.LATITUDE, "lon": bounds.LONGITUDE},
    "registry.Point": {
        "lat": bounds.LATITUDE,
        "lon": bounds.LONGITUDE,
        "capacity_people": bounds.PEOPLE,
    },
    "registry.BackupPower": {
        "tank_l": bounds.FUEL_L,
        "generator_kva": bounds.POWER_KW,
        "heater_kw": bounds.POWER_KW,
        "consumption_25_l_per_h": bounds.CONSUMPTION_L_PER_H,
        "consumption_50_l_per_h": bounds.CONSUMPTION_L_PER_H,
        "consumption_75_l_per_h": bounds.CONSUMPTION_L_PER_H,
        "consumption_100_l_per_h": bounds.CONSUMPTION_L_PER_H,
    },
}

#: Text columns where several lines are expected.
_MULTILINE = (models.TextField, models.JSONField)


def problems(instance: models.Model) -> dict[str, list[str]]:
    """Every field of ``instance`` that breaks the rules, with Swedish messages."""
    found: dict[str, list[str]] = {}
    ranges = FIELD_RANGES.get(instance._meta.label, {})
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if value is None:
            continue
        message = _problem(field, value, ranges.get(field.name))
        if message is None:
            try:
                field.run_validators(value)
            except ValidationError as exc:
                message = "; ".join(exc.messages)
            except (TypeError, ValueError) as exc:
                message = str(exc)
        if message is not None:
            found.setdefault(field.name, []).append(message)
    return found


def _problem(field, value, limit: bounds.Range | None) -> str | None:
    if isinstance(value, str):
        max_len = getattr(field, "max_length", None) or bounds.LONG_TEXT_LEN * 10
        multiline = isinstance(field, _MULTILINE)
        return bounds.text_problem(value, max_len=max_len, multiline=multiline)
    if isinstance(field, models.JSONField):
        return _json_problem(value)
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return "måste vara ett ändligt tal"
    if limit is not None and isinstance(value, int | float | Decimal):
        return limit.problem(float(value))
    return None


def _json_problem(value, depth: int = 0) -> str | None:
    if depth > 32:
        return "är för djupt nästlad"
    if isinstance(value, str):
        return bounds.text_problem(
            value, max_len=bounds.LONG_TEXT_LEN * 10, multiline=True
        )
    if isinstance(value, float) and not math.isfinite(value):
        return "måste vara ett ändligt tal"
    if isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return None
    for item in items:
        message = _json_problem(item, depth + 1)
        if message is not None:
            return message
    return None


def check(instance: models.Model) -> None:
    """Raise ValidationError (field -> messages) if ``instance`` must not be saved."""
    found = problems(instance)
    if found:
        raise ValidationError(found)


def _receiver(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: fixtures are trusted as they are
        return
    if not sender.__module__.startswith("sot."):
        return
    check(instance)


def connect() -> None:
    """Check every sot model before it is saved (called once from AppConfig.ready)."""
    pre_save.connect(_receiver, dispatch_uid="sot.validation.backstop")
