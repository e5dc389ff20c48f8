"""Service functions for the register. The admin, the API, the CLI and imports call
these; each owns its transaction, checks permissions and records history."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.geo import crs
from sot.geo.polygon import GeometryError, point_in_geometry
from sot.registry.models import (
    BackupPower,
    ChangeRecord,
    County,
    Municipality,
    Point,
    PointService,
    Service,
)

# Sweden's extent in WGS84 with a small margin (SCB's boundaries reach
# 10.96-24.17 E, 55.33-69.06 N). A point outside it cannot be a Swedish SOT-punkt.
SWEDEN_BBOX = (10.5, 55.0, 24.5, 69.2)

POINT_FIELDS = (
    "slug",
    "name",
    "village",
    "lat",
    "lon",
    "address",
    "postcode",
    "lifecycle",
    "planned_on",
    "approved_on",
    "established_on",
    "decommissioned_on",
    "store_name",
    "store_chain",
    "fuel_station_name",
    "fuel_station_chain",
    "store_to_fuel_m",
    "public_description",
    "opening_arrangements",
    "accessibility_notes",
    "internal_notes",
)
BACKUP_FIELDS = (
    "generator_kva",
    "fuel_type",
    "tank_l",
    "consumption_25_l_per_h",
    "consumption_50_l_per_h",
    "consumption_75_l_per_h",
    "consumption_100_l_per_h",
    "connected_loads",
    "heater_kw",
    "quick_connect",
    "last_test_run_on",
    "notes",
)


class NeedsConfirmation(ValidationError):
    """The input is valid but unusual; the caller must confirm to save it."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def point_snapshot(point: Point) -> dict[str, Any]:
    """Every recorded field of a point, its services and backup power, as JSON values."""
    snap = {f: _jsonable(getattr(point, f)) for f in POINT_FIELDS}
    snap["municipality"] = point.municipality.code if point.municipality_id else None
    snap["responsible_organisation"] = (
        str(point.responsible_organisation)
        if point.responsible_organisation_id
        else None
    )
    if point.pk:
        snap["services"] = sorted(
            f"{ps.service.code}"
            + (f":{ps.capacity_people}" if ps.capacity_people else "")
            for ps in point.point_services.select_related("service")
        )
        bp = BackupPower.objects.filter(point=point).first()
        if bp is not None:
            for f in BACKUP_FIELDS:
                snap[f"backup_power.{f}"] = _jsonable(getattr(bp, f))
    return snap


def field_snapshot(obj) -> dict[str, Any]:
    """The concrete fields of any model instance as JSON values (boundaries left out)."""
    out = {}
    for f in obj._meta.concrete_fields:
        if f.name in ("boundary", "id"):
            continue
        out[f.name] = _jsonable(getattr(obj, f.attname))
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value changed."""
    keys = sorted(set(before) | set(after))
    return {
        k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)
    }


def record_change(
    *, obj, action: str, changes: dict, actor=None, source: str = "admin"
) -> ChangeRecord:
    """Write one history entry for `obj`."""
    return ChangeRecord.objects.create(
        model=obj._meta.label_lower,
        object_id=str(getattr(obj, "slug", None) or obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        changes=changes,
        user=actor if getattr(actor, "pk", None) else None,
        source=source,
    )


def record_save(
    *,
    obj,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    created: bool,
    actor=None,
    source: str = "admin",
) -> dict[str, list[Any]]:
    """Record a create, or an update that changed something; returns the changes."""
    changes = diff(before, after)
    if created or changes:
        record_change(
            obj=obj,
            action=ChangeRecord.Action.CREATE
            if created
            else ChangeRecord.Action.UPDATE,
            changes=changes,
            actor=actor,
            source=source,
        )
    return changes


def field_label(model, key: str) -> str:
    """A history key as officials read it: the field's Swedish name
    (``backup_power.tank_l`` -> "reservkraft: tank (liter)"), else the key."""
    if key == "services":
        return str(_("tjänster"))
    if "." in key:
        relation, _sep, rest = key.partition(".")
        try:
            related = model._meta.get_field(relation).related_model
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: not a relation
            return key
        return f"{related._meta.verbose_name}: {field_label(related, rest)}"
    try:
        return str(model._meta.get_field(key).verbose_name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: a key of its own
        return key


def _value_text(value):
    """A stored history value as officials read it (Ja/Nej, lists joined)."""
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def save_record(*, actor, obj, action: str, scope=None, source: str = "admin"):
    """Save a register row other than a point (municipality, organisation, contact,
    service, county) with its history; ``action`` is the policy action the actor
    needs, on ``scope`` (default: the row itself once it exists)."""
    created = obj.pk is None
    policy.require(
        actor, action, scope if scope is not None else (None if created else obj)
    )
    with transaction.atomic():
        before = {} if created else field_snapshot(type(obj).objects.get(pk=obj.pk))
        obj.save()
        record_save(
            obj=obj,
            before=before,
            after=field_snapshot(obj),
            created=created,
            actor=actor,
            source=source,
        )
    return obj


def delete_record(*, actor, obj, action: str, scope=None, source: str = "admin"):
    """Delete a register row other than a point, keeping its last state in the
    history."""
    policy.require(actor, action, scope if scope is not None else obj)
    with transaction.atomic():
        record_change(
            obj=obj,
            action=ChangeRecord.Action.DELETE,
            changes=diff(field_snapshot(obj), {}),
            actor=actor,
            source=source,
        )
        obj.delete()


def delete_county(*, actor, county: County, source: str = "admin") -> None:
    """Delete a county (the superuser's task), keeping its last state in the
    history. Its municipalities stay: they name their county by code."""
    delete_record(actor=actor, obj=county, action=policy.ADMINISTER, source=source)


def history_of(obj) -> list[ChangeRecord]:
    """The history of an object, newest first."""
    records = list(
        ChangeRecord.objects.filter(
            model=obj._meta.label_lower,
            object_id=str(getattr(obj, "slug", None) or obj.pk),
        ).select_related("user")
    )
    for record in records:  # for the history page: (label, before, after)
        record.labelled = [
            (field_label(type(obj), key), *(_value_text(v) for v in values))
            for key, values in (record.changes or {}).items()
        ]
    return records


def resolve_coordinates(data: dict, errors: dict[str, list[str]]) -> None:
    """Accept SWEREF 99 TM (sweref_e/sweref_n) as an alternative to lat/lon: turn
    them into ``data["lat"]``/``data["lon"]`` in place, or add to ``errors``."""
    has_sweref = data.get("sweref_e") not in (None, "") or data.get("sweref_n") not in (
        None,
        "",
    )
    e = data.pop("sweref_e", None)
    n = data.pop("sweref_n", None)
    has_latlon = data.get("lat") not in (None, "") and data.get("lon") not in (None, "")
    if not has_sweref or has_latlon:  # lat/lon win when both are given (as in exports)
        return
    try:
        e_f, n_f = float(str(e).replace(",", ".")), float(str(n).replace(",", "."))
    except (TypeError, ValueError):
        errors.setdefault("sweref_e", []).append(
            _("Ange både östlig (E) och nordlig (N) koordinat i SWEREF 99 TM, i meter.")
        )
        return
    if not (200_000 <= e_f <= 1_000_000 and 6_100_000 <= n_f <= 7_700_000):
        errors.setdefault("sweref_e", []).append(
            _(
                "SWEREF 99 TM-koordinaten ligger inte i Sverige (E 200 000–1 000 000, "
                "N 6 100 000–7 700 000). Har E och N bytt plats?"
            )
        )
        return
    lon, lat = crs.from_sweref99tm(e_f, n_f)
    data["lat"], data["lon"] = round(lat, 6), round(lon, 6)


def _to_float(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def _clean_point(point: Point, data: dict, *, confirm: bool) -> None:
    """Apply `data` to `point` and validate; raise ValidationError naming each field."""
    data = dict(data)
    errors: dict[str, list[str]] = {}
    unknown = (
        set(data)
        - set(POINT_FIELDS)
        - {
            "municipality_code",
            "municipality",
            "sweref_e",
            "sweref_n",
            "responsible_organisation",
        }
    )
    for field in sorted(unknown):
        errors.setdefault(field, []).append(_("Okänt fält."))
    resolve_coordinates(data, errors)
    code = data.pop("municipality_code", None)
    if "municipality" in data:
        point.municipality = data.pop("municipality")
    elif code not in (None, ""):
        code = str(code).strip()
        found = Municipality.objects.filter(code=code).first()
        if found is None:
            errors.setdefault("municipality_code", []).append(
                _(
                    "Okänd kommunkod %(code)s. Kommunkoden är SCB:s fyra siffror, t.ex. 2321 "
                    "för Åre; kommunen måste finnas i registret."
                )
                % {"code": code}
            )
        else:
            point.municipality = found
    if "responsible_organisation" in data:
        point.responsible_organisation = data.pop("responsible_organisation")
    for field in ("lat", "lon", "store_to_fuel_m"):
        if field in data and isinstance(data[field], str):
            data[field] = data[field].strip().replace(",", ".") or None
    for field in unknown:
        data.pop(field, None)
    for field, value in data.items():
        if isinstance(value, str) and field not in ("lat", "lon"):
            value = value.strip()
        setattr(point, field, value if value != "" or field in _TEXT_FIELDS else None)
    exclude = ["municipality"] if point.municipality_id is None else []
    try:
        point.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if point.municipality_id is None and "municipality_code" not in errors:
        errors.setdefault("municipality_code", []).append(_("Kommun måste anges."))
    lat, lon = _to_float(point.lat), _to_float(point.lon)
    if "lat" not in errors and "lon" not in errors:
        try:  # report a position outside Sweden together with every other error
            check_location(lat=lat, lon=lon, municipality=None, confirm=True)
        except ValidationError as exc:
            errors.setdefault("lat", []).extend(exc.message_dict["lat"])
    if errors:
        raise ValidationError(errors)
    check_location(lat=lat, lon=lon, municipality=point.municipality, confirm=confirm)


def check_location(
    *,
    lat: float | None,
    lon: float | None,
    municipality: Municipality | None,
    confirm: bool,
) -> None:
    """Refuse coordinates outside Sweden; ask for confirmation (NeedsConfirmation)
    when the point lies outside its municipality's boundary."""
    if lat is None or lon is None:
        return
    west, south, east, north = SWEDEN_BBOX
    if not (south <= lat <= north and west <= lon <= east):
        raise ValidationError(
            {
                "lat": [
                    _(
                        "Koordinaten %(lat).5f N %(lon).5f E ligger utanför Sverige. Ange "
                        "WGS84 i decimalgrader (latitud 55–69, longitud 11–24), eller "
                        "SWEREF 99 TM."
                    )
                    % {"lat": lat, "lon": lon}
                ]
            }
        )
    if municipality is None or not municipality.boundary or confirm:
        return
    try:
        inside = point_in_geometry(lon, lat, municipality.boundary)
    except GeometryError:
        inside = True
    if not inside:
        raise NeedsConfirmation(
            {
                "lat": [
                    _(
                        "Punkten ligger utanför %(name)s kommuns gräns. Kontrollera "
                        "koordinaten och kommunen; spara ändå bara om det är rätt."
                    )
                    % {"name": municipality.name}
                ]
            }
        )


_TEXT_FIELDS = {
    "address",
    "postcode",
    "store_name",
    "store_chain",
    "fuel_station_name",
    "fuel_station_chain",
    "public_description",
    "opening_arrangements",
    "accessibility_notes",
    "internal_notes",
    "name",
    "village",
    "slug",
}


def _clean_backup(point: Point, data: Mapping[str, Any]) -> BackupPower:
    bp = BackupPower.objects.filter(point=point).first() if point.pk else None
    bp = bp or BackupPower(point=point)
    errors: dict[str, list[str]] = {}
    for field, value in data.items():
        if field not in BACKUP_FIELDS:
            errors.setdefault(f"backup_power.{field}", []).append(_("Okänt fält."))
            continue
        if isinstance(value, str):
            value = value.strip()
            if field in ("quick_connect",):
                value = value.lower() in ("1", "ja", "yes", "true", "x")
            elif field not in ("connected_loads", "notes", "fuel_type"):
                value = value.replace(",", ".") or None
        setattr(bp, field, value)
    try:
        bp.full_clean(exclude=["point"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(f"backup_power.{field}", []).extend(messages)
    if not errors:
        try:
            bp.curve()
        except ValueError as exc:
            errors.setdefault("backup_power.consumption_25_l_per_h", []).append(
                str(exc)
            )
    if errors:
        raise ValidationError(errors)
    return bp


def _resolve_services(
    codes: Iterable[str | tuple[str, int | None]], point: Point
) -> list[tuple[Service, int | None]]:
    items = []
    for item in codes:
        code, capacity = (item, None) if isinstance(item, str) else item
        if code.strip():
            items.append((code.strip(), capacity))
    known = {s.code: s for s in Service.objects.filter(code__in=[c for c, _ in items])}
    wanted: list[tuple[Service, int | None]] = []
    missing = []
    for code, capacity in items:
        service = known.get(code)
        if service is None or service.municipality_id not in (
            None,
            point.municipality_id,
        ):
            missing.append(code)
        else:
            wanted.append((service, capacity))
    if missing:
        raise ValidationError(
            {
                "services": [
                    _("Okänd tjänst: %(codes)s.") % {"codes": ", ".join(missing)}
                ]
            }
        )
    return wanted


def _save_services(point: Point, wanted: list[tuple[Service, int | None]]) -> None:
    keep = {s.pk: c for s, c in wanted}
    point.point_services.exclude(service_id__in=keep).delete()
    existing = {ps.service_id: ps for ps in point.point_services.all()}
    new = []
    for service_id, capacity in keep.items():
        ps = existing.get(service_id)
        if ps is None:
            new.append(
                PointService(
                    point=point, service_id=service_id, capacity_people=capacity
                )
            )
        elif ps.capacity_people != capacity:
            ps.capacity_people = capacity
            ps.save(update_fields=["capacity_people"])
    PointService.objects.bulk_create(new)


def save_point(
    *,
    actor,
    data: Mapping[str, Any],
    point: Point | None = None,
    services: Iterable[str | tuple[str, int | None]] | None = None,
    backup_power: Mapping[str, Any] | None = None,
    remove_backup_power: bool = False,
    contacts: Iterable | None = None,
    source: str = "admin",
    confirm: bool = False,
) -> Point:
    """Create (point=None) or update a point with its services and backup power.

    ``services``, ``backup_power`` and ``contacts`` left as None are left as they
    are; ``remove_backup_power`` deletes the point's backup power. Raises
    ValidationError (a dict naming each field) for bad input, NeedsConfirmation for
    a point outside its municipality unless `confirm`, Refused when the actor may not
    do this. Nothing is saved unless everything is valid.
    """
    creating = point is None
    with transaction.atomic():
        if creating:
            point = Point()
            before: dict[str, Any] = {}
        else:
            point = Point.objects.select_for_update().get(pk=point.pk)
            policy.require(actor, policy.CHANGE_POINT, point)
            before = point_snapshot(point)
        _clean_point(point, data, confirm=confirm)
        if (
            creating
            or point.municipality_id
            and "municipality" in diff(before, point_snapshot(point))
        ):
            policy.require(actor, policy.ADD_POINT, point.municipality)
        if not creating and data.get("slug") not in (None, before.get("slug")):
            raise ValidationError({"slug": [_("En punkts id kan inte ändras.")]})
        bp = _clean_backup(point, backup_power) if backup_power is not None else None
        wanted = _resolve_services(services, point) if services is not None else None
        point.save()
        if bp is not None and not remove_backup_power:
            bp.point = point
            bp.save()
        elif remove_backup_power:
            BackupPower.objects.filter(point=point).delete()
        if wanted is not None:
            _save_services(point, wanted)
        if contacts is not None:
            point.contacts.set(contacts)
        point.changes = record_save(  # what this call changed, for callers
            obj=point,
            before=before,
            after=point_snapshot(point),
            created=creating,
            actor=actor,
            source=source,
        )
    return point


def delete_point(*, actor, point: Point, source: str = "admin") -> None:
    """Delete a point, keeping its last state in the history."""
    policy.require(actor, policy.DELETE_POINT, point)
    with transaction.atomic():
        before = point_snapshot(point)
        record_change(
            obj=point,
            action=ChangeRecord.Action.DELETE,
            changes=diff(before, {}),
            actor=actor,
            source=source,
        )
        point.delete()


def hours_on_full_tank(point: Point, load_pct: float = 50) -> float | None:
    """Hours the point's generator runs on a full tank at the given load, if known."""
    bp = BackupPower.objects.filter(point=point).first()
    return bp.hours_on_full_tank(load_pct) if bp else None
