"""Register endpoints of the JSON API: points as JSON and GeoJSON.

Anonymous callers get public points (approved or established) with public fields only.
A signed-in caller or token also gets the points in their scope with internal fields
(operator contacts, backup power, internal notes).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.renderers import JSONRenderer

from sot.accounts import policy
from sot.api import paging
from sot.api.auth import token_auth
from sot.errors import NotFound
from sot.geo import crs
from sot.registry import services
from sot.registry.models import (
    CONTACT_ORDER,
    SERVICE_ORDER,
    BackupPower,
    Contact,
    Lifecycle,
    Point,
    PointService,
)
from sot.validation import bounds
from sot.validation import schema as v
from sot.vocabulary import literal

router = Router()
_RENDERER = JSONRenderer()
LifecycleCode = literal(Lifecycle.values)

PUBLIC_LIFECYCLES = (Lifecycle.APPROVED, Lifecycle.ESTABLISHED)


class ServiceOut(Schema):
    code: str
    name_sv: str
    name_en: str
    category: str
    capacity_people: int | None = None


class ContactOut(Schema):
    name: str
    title: str
    organisation: str
    phone: str
    email: str


class BackupPowerOut(Schema):
    generator_kva: float | None
    fuel_type: str
    tank_l: int | None
    consumption_l_per_h: dict[str, float | None]
    connected_loads: str
    heater_kw: float | None
    quick_connect: bool
    last_test_run_on: date | None
    hours_on_full_tank_at_50_pct: float | None


class PointOut(Schema):
    id: str = Field(description="Stable id (slug)")
    name: str
    village: str
    municipality_code: str
    municipality: str
    county_code: str
    lat: float
    lon: float
    sweref99tm: tuple[float, float] = Field(description="(E, N) in metres, EPSG:3006")
    address: str
    postcode: str
    lifecycle: str
    established_on: date | None
    store_name: str
    fuel_station_name: str
    public_description: str
    opening_arrangements: str
    accessibility_notes: str
    services: list[ServiceOut]
    public_contacts: list[ContactOut]
    updated_at: datetime

    model_config = {
        "json_schema_extra": {
            "example": {
                "id": "kall",
                "name": "Kall",
                "village": "Kall",
                "municipality_code": "2321",
                "municipality": "Åre",
                "county_code": "23",
                "lat": 63.4726,
                "lon": 13.2334,
                "sweref99tm": [411930.4, 7040004.9],
                "address": "Kallbygdsvägen 1",
                "postcode": "830 05",
                "lifecycle": "established",
                "established_on": "2024-10-01",
                "store_name": "Handlarn i Kall",
                "fuel_station_name": "",
                "public_description": "Lanthandel med reservkraft.",
                "opening_arrangements": "Öppnar när kommunen aktiverar punkten.",
                "accessibility_notes": "Ramp vid entrén.",
                "services": [
                    {
                        "code": "heating",
                        "name_sv": "Värme",
                        "name_en": "Heating",
                        "category": "heat",
                        "capacity_people": None,
                    }
                ],
                "public_contacts": [],
                "updated_at": "2026-11-30T03:15:00Z",
            }
        }
    }


class PointInternalOut(PointOut):
    planned_on: date | None
    approved_on: date | None
    decommissioned_on: date | None
    store_chain: str
    fuel_station_chain: str
    store_to_fuel_m: int | None
    responsible_organisation: str | None
    contacts: list[ContactOut]
    internal_notes: str
    backup_power: BackupPowerOut | None


class PointIn(Schema):
    """Fields to create or change a point. Give lat/lon (WGS84) or sweref_e/sweref_n."""

    id: v.Text(64) | None = Field(
        None, description="Stable id (slug); required on create"
    )
    name: v.Name | None = None
    village: v.Text(100) | None = None
    municipality_code: v.Text(4) | None = None
    lat: v.Number(bounds.LATITUDE) | None = None
    lon: v.Number(bounds.LONGITUDE) | None = None
    sweref_e: v.Number(bounds.SWEREF_E) | None = None
    sweref_n: v.Number(bounds.SWEREF_N) | None = None
    address: v.Name | None = None
    postcode: v.Text(6) | None = None
    lifecycle: LifecycleCode | None = None
    planned_on: date | None = None
    approved_on: date | None = None
    established_on: date | None = None
    decommissioned_on: date | None = None
    store_name: v.Name | None = None
    store_chain: v.Text(100) | None = None
    fuel_station_name: v.Name | None = None
    fuel_station_chain: v.Text(100) | None = None
    store_to_fuel_m: v.Whole(bounds.DISTANCE_M) | None = None
    public_description: v.Long | None = None
    opening_arrangements: v.Long | None = None
    accessibility_notes: v.Long | None = None
    internal_notes: v.Long | None = None
    services: list[v.Code] | None = Field(None, description="Service codes")
    backup_power: dict | None = None
    confirm: bool = Field(
        False, description="Save although the point lies outside its municipality"
    )

    model_config = {
        "json_schema_extra": {
            "example": {
                "id": "kall",
                "name": "Kall",
                "village": "Kall",
                "municipality_code": "2321",
                "lat": 63.4726,
                "lon": 13.2334,
                "lifecycle": "approved",
                "services": ["food", "heating", "fuel_diesel"],
            }
        }
    }


class PointFilters(Schema):
    municipality: str | None = Field(None, description="Municipality code, e.g. 2321")
    county: str | None = Field(None, description="County code, e.g. 23")
    lifecycle: str | None = None
    service: str | None = Field(None, description="Service code, e.g. fuel_diesel")
    bbox: str | None = Field(None, description="minLon,minLat,maxLon,maxLat (WGS84)")
    limit: str | None = Field(
        None,
        description="Items per page (1-10000, default 100), or 'all' for every one; "
        'a Link header (rel="next") points at the next page',
    )
    offset: int | None = Field(None, description="Items to skip (paging)")


def _contact(c: Contact) -> dict:
    return {
        "name": c.name,
        "title": c.title,
        "organisation": c.organisation.name,
        "phone": c.phone,
        "email": c.email,
    }


def point_public_dict(p: Point) -> dict:
    """The public fields of a point, as the API and the public feeds show them."""
    e, n = p.sweref99tm
    return {
        "id": p.slug,
        "name": p.name,
        "village": p.village,
        "municipality_code": p.municipality.code,
        "municipality": p.municipality.name,
        "county_code": p.municipality.county_code,
        "lat": p.lat,
        "lon": p.lon,
        "sweref99tm": (round(e, 1), round(n, 1)),
        "address": p.address,
        "postcode": p.postcode,
        "lifecycle": p.lifecycle,
        "established_on": p.established_on,
        "store_name": p.store_name,
        "fuel_station_name": p.fuel_station_name,
        "public_description": p.public_description,
        "opening_arrangements": p.opening_arrangements,
        "accessibility_notes": p.accessibility_notes,
        "services": [
            {
                "code": ps.service.code,
                "name_sv": ps.service.name_sv,
                "name_en": ps.service.name_en,
                "category": ps.service.category,
                "capacity_people": ps.capacity_people,
            }
            for ps in p.point_services.all()
        ],
        "public_contacts": [_contact(c) for c in p.contacts.all() if c.is_public],
        "updated_at": p.updated_at,
    }


def point_internal_dict(p: Point) -> dict:
    data = point_public_dict(p)
    bp = getattr(p, "backup_power", None)  # None when the point has none
    data.update(
        planned_on=p.planned_on,
        approved_on=p.approved_on,
        decommissioned_on=p.decommissioned_on,
        store_chain=p.store_chain,
        fuel_station_chain=p.fuel_station_chain,
        store_to_fuel_m=p.store_to_fuel_m,
        responsible_organisation=(
            p.responsible_organisation.name if p.responsible_organisation_id else None
        ),
        contacts=[_contact(c) for c in p.contacts.all()],
        internal_notes=p.internal_notes,
        backup_power=None,
    )
    if bp is not None:
        data["backup_power"] = backup_power_dict(bp)
    return data


def backup_power_dict(bp: BackupPower) -> dict:
    """A point's backup power as the API shows it to those in its scope."""
    hours = bp.hours_on_full_tank(50)
    return {
        "generator_kva": float(bp.generator_kva)
        if bp.generator_kva is not None
        else None,
        "fuel_type": bp.fuel_type,
        "tank_l": bp.tank_l,
        "consumption_l_per_h": {
            "25": bp.consumption_25_l_per_h,
            "50": bp.consumption_50_l_per_h,
            "75": bp.consumption_75_l_per_h,
            "100": bp.consumption_100_l_per_h,
        },
        "connected_loads": bp.connected_loads,
        "heater_kw": float(bp.heater_kw) if bp.heater_kw is not None else None,
        "quick_connect": bp.quick_connect,
        "last_test_run_on": bp.last_test_run_on,
        "hours_on_full_tank_at_50_pct": round(hours, 1) if hours is not None else None,
    }


#: the columns of a point :func:`point_dicts` reads (values, no model objects)
_PUBLIC_VALUES = (
    "pk",
    "slug",
    "name",
    "village",
    "municipality__code",
    "municipality__name",
    "municipality__county_code",
    "lat",
    "lon",
    "address",
    "postcode",
    "lifecycle",
    "established_on",
    "store_name",
    "fuel_station_name",
    "public_description",
    "opening_arrangements",
    "accessibility_notes",
    "updated_at",
)
_INTERNAL_VALUES = (
    "planned_on",
    "approved_on",
    "decommissioned_on",
    "store_chain",
    "fuel_station_chain",
    "store_to_fuel_m",
    "responsible_organisation__name",
    "internal_notes",
)
#: the register's backup-power fields (one list, :data:`services.BACKUP_FIELDS`)
#: less the internal notes, which the API does not give
_BACKUP_FIELDS = ("id", *(f for f in services.BACKUP_FIELDS if f != "notes"))


def point_values(queryset, *, internal: bool):
    """``queryset`` (of points, in its order) as the values :func:`point_dicts`
    builds from: the public columns, and the internal ones when ``internal``."""
    columns = _PUBLIC_VALUES
    if internal:
        columns += _INTERNAL_VALUES + tuple(
            f"backup_power__{name}" for name in _BACKUP_FIELDS
        )
    return queryset.values(*columns)


def point_dicts(rows: list[dict], internal: set[int] | frozenset[int]) -> list[dict]:
    """The API's dicts of points read by :func:`point_values`, the same as
    :func:`point_public_dict` and :func:`point_internal_dict` give for each (those
    whose id is in ``internal`` with the internal fields), built from plain values:
    two queries for the services and contacts of them all, no model objects."""
    ids = [r["pk"] for r in rows]
    services: dict[int, list[dict]] = {pk: [] for pk in ids}
    for point_id, code, name_sv, name_en, category, capacity in (
        PointService.objects.filter(point_id__in=ids)
        .order_by(*SERVICE_ORDER)
        .values_list(
            "point_id",
            "service__code",
            "service__name_sv",
            "service__name_en",
            "service__category",
            "capacity_people",
        )
    ):
        services[point_id].append(
            {
                "code": code,
                "name_sv": name_sv,
                "name_en": name_en,
                "category": category,
                "capacity_people": capacity,
            }
        )
    contacts: dict[int, list[tuple[bool, dict]]] = {pk: [] for pk in ids}
    for point_id, is_public, name, title, organisation, phone, email in (
        Point.contacts.through.objects.filter(point_id__in=ids)
        .order_by(*(f"contact__{field}" for field in CONTACT_ORDER))
        .values_list(
            "point_id",
            "contact__is_public",
            "contact__name",
            "contact__title",
            "contact__organisation__name",
            "contact__phone",
            "contact__email",
        )
    ):
        contacts[point_id].append(
            (
                is_public,
                {
                    "name": name,
                    "title": title,
                    "organisation": organisation,
                    "phone": phone,
                    "email": email,
                },
            )
        )
    out = []
    for r in rows:
        pk = r["pk"]
        e, n = crs.to_sweref99tm(r["lon"], r["lat"])
        data = {
            "id": r["slug"],
            "name": r["name"],
            "village": r["village"],
            "municipality_code": r["municipality__code"],
            "municipality": r["municipality__name"],
            "county_code": r["municipality__county_code"],
            "lat": r["lat"],
            "lon": r["lon"],
            "sweref99tm": (round(e, 1), round(n, 1)),
            "address": r["address"],
            "postcode": r["postcode"],
            "lifecycle": r["lifecycle"],
            "established_on": r["established_on"],
            "store_name": r["store_name"],
            "fuel_station_name": r["fuel_station_name"],
            "public_description": r["public_description"],
            "opening_arrangements": r["opening_arrangements"],
            "accessibility_notes": r["accessibility_notes"],
            "services": services[pk],
            "public_contacts": [c for public, c in contacts[pk] if public],
            "updated_at": r["updated_at"],
        }
        if pk in internal:
            data.update(
                planned_on=r["planned_on"],
                approved_on=r["approved_on"],
                decommissioned_on=r["decommissioned_on"],
                store_chain=r["store_chain"],
                fuel_station_chain=r["fuel_station_chain"],
                store_to_fuel_m=r["store_to_fuel_m"],
                responsible_organisation=r["responsible_organisation__name"],
                contacts=[c for _public, c in contacts[pk]],
                internal_notes=r["internal_notes"],
                backup_power=None,
            )
            if r["backup_power__id"] is not None:
                data["backup_power"] = backup_power_dict(
                    BackupPower(
                        **{name: r[f"backup_power__{name}"] for name in _BACKUP_FIELDS}
                    )
                )
        out.append(data)
    return out


def internal_ids(user, ids: list[int]) -> set[int]:
    """Which of the points ``ids`` ``user`` sees with internal fields: those in
    their scope if their role may (:data:`policy.VIEW_INTERNAL`), in one query,
    the rule of :func:`_as_dict` for a page of points."""
    if not ids or not policy.can(user, policy.VIEW_INTERNAL):
        return set()
    in_scope = policy.scope_q(user, municipality_path="municipality", point_path="")
    return set(Point.objects.filter(in_scope, pk__in=ids).values_list("pk", flat=True))


def _base_queryset():
    return (
        Point.objects.select_related(
            "municipality", "responsible_organisation", "backup_power"
        )
        .defer("municipality__boundary")  # large JSON, never needed per point
        .prefetch_related(
            Prefetch(
                "point_services",
                queryset=PointService.objects.select_related("service").order_by(
                    *SERVICE_ORDER
                ),
            ),
            Prefetch(
                "contacts",
                queryset=Contact.objects.select_related("organisation").order_by(
                    *CONTACT_ORDER
                ),
            ),
        )
    )


def visible_points(user, queryset=None):
    """Public points for everyone, plus every point in the caller's scope."""
    qs = queryset if queryset is not None else _base_queryset()
    in_scope = policy.scope_q(user, municipality_path="municipality", point_path="")
    if getattr(user, "is_authenticated", False) and policy.can(
        user, policy.VIEW_INTERNAL
    ):
        return qs.filter(Q(lifecycle__in=PUBLIC_LIFECYCLES) | in_scope)
    return qs.filter(lifecycle__in=PUBLIC_LIFECYCLES)


def _filtered(user, filters: PointFilters, queryset=None):
    qs = visible_points(user, queryset)
    if filters.municipality:
        qs = qs.filter(municipality__code=filters.municipality)
    if filters.county:
        qs = qs.filter(municipality__county_code=filters.county)
    if filters.lifecycle:
        if filters.lifecycle not in Lifecycle.values:
            raise ValidationError(
                {
                    "lifecycle": [
                        f"unknown lifecycle; one of {', '.join(Lifecycle.values)}"
                    ]
                }
            )
        qs = qs.filter(lifecycle=filters.lifecycle)
    if filters.service:
        qs = qs.filter(point_services__service__code=filters.service)
    if filters.bbox:
        try:
            w, s, e, n = (float(x) for x in filters.bbox.split(","))
        except ValueError:
            raise ValidationError(
                {"bbox": ["bbox is minLon,minLat,maxLon,maxLat, four numbers"]}
            ) from None
        if w > e or s > n:
            raise ValidationError({"bbox": ["bbox minimum is larger than maximum"]})
        qs = qs.filter(lon__gte=w, lon__lte=e, lat__gte=s, lat__lte=n)
    return qs.distinct().order_by("municipality__code", "slug")


def _as_dict(user, p: Point) -> dict:
    if policy.can(user, policy.VIEW_INTERNAL, p):
        return point_internal_dict(p)
    return point_public_dict(p)


@router.get(
    "/points", response=list[PointInternalOut | PointOut], summary="List points"
)
def list_points(request, response: HttpResponse, filters: Query[PointFilters]):
    """Points visible to the caller; internal fields only on points in their scope.
    Paged: ``limit``/``offset``, ``Link: <...>; rel="next"``, ``limit=all``."""
    internal = policy.can(request.user, policy.VIEW_INTERNAL)
    rows, headers = paging.page(
        request,
        point_values(
            _filtered(request.user, filters, Point.objects.all()), internal=internal
        ),
    )
    for key, value in headers.items():
        response[key] = value
    items = point_dicts(
        rows, internal_ids(request.user, [r["pk"] for r in rows]) if internal else set()
    )
    # Built as the response schema has them (tests/api/test_points_fast.py holds
    # them to the validated output): rendered as the API renders (its default
    # JSON renderer) without validating them again, which was a third of a
    # signed-in page's time (#15).
    response.content = _RENDERER.render(request, items, response_status=200)
    return response


def point_feature(data: dict) -> dict:
    """A GeoJSON Feature (RFC 7946: longitude first) for a point dict."""
    props = {k: v for k, v in data.items() if k not in ("lat", "lon", "sweref99tm")}
    for key, value in list(props.items()):
        if isinstance(value, date | datetime):
            props[key] = value.isoformat()
    return {
        "type": "Feature",
        "id": data["id"],
        "geometry": {"type": "Point", "coordinates": [data["lon"], data["lat"]]},
        "properties": props,
    }


@router.get("/points.geojson", summary="Points as a GeoJSON FeatureCollection")
def points_geojson(request, filters: Query[PointFilters]):
    """RFC 7946 FeatureCollection of the points, public fields only."""

    rows, headers = paging.page(
        request,
        point_values(
            _filtered(request.user, filters, Point.objects.all()), internal=False
        ),
    )
    features = [point_feature(data) for data in point_dicts(rows, set())]
    document = {"type": "FeatureCollection", "features": features}
    if "Link" in headers:  # RFC 7946 foreign member, as OGC API Features does
        url = headers["Link"].split(">")[0][1:]
        document["links"] = [
            {"href": url, "rel": "next", "type": "application/geo+json"}
        ]
    response = JsonResponse(
        document,
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
    for key, value in headers.items():
        response[key] = value
    return response


@router.get(
    "/points/{point_id}", response=PointInternalOut | PointOut, summary="One point"
)
def get_point(request, point_id: str):
    p = visible_points(request.user).filter(slug=point_id).first()
    if p is None:
        raise NotFound("no such point")
    return _as_dict(request.user, p)


def _payload(body: PointIn) -> tuple[dict, list[str] | None, dict | None]:
    data = body.dict(exclude_unset=True)
    data.pop("confirm", None)
    svc = data.pop("services", None)
    bp = data.pop("backup_power", None)
    if "id" in data:
        data["slug"] = data.pop("id")
    return data, svc, bp


@router.post(
    "/points",
    response={201: PointInternalOut},
    auth=token_auth,
    summary="Create a point",
)
def create_point(request, body: PointIn):
    data, svc, bp = _payload(body)
    p = services.save_point(
        actor=request.user,
        data=data,
        services=svc,
        backup_power=bp,
        source="api",
        confirm=body.confirm,
    )
    return Status(201, point_internal_dict(_base_queryset().get(pk=p.pk)))


@router.patch(
    "/points/{point_id}",
    response=PointInternalOut,
    auth=token_auth,
    summary="Change a point",
)
def update_point(request, point_id: str, body: PointIn):
    p = visible_points(request.user).filter(slug=point_id).first()
    if p is None:
        raise NotFound("no such point")
    data, svc, bp = _payload(body)
    p = services.save_point(
        actor=request.user,
        point=p,
        data=data,
        services=svc,
        backup_power=bp,
        source="api",
        confirm=body.confirm,
    )
    return point_internal_dict(_base_queryset().get(pk=p.pk))
