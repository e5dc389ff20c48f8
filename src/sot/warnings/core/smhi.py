"""SMHI impact-based weather warnings (IBW): ``warning.json`` and ``metadata/area.json``.

API: https://opendata-download-warnings.smhi.se/ibww/api/version/1/warning.json
(documentation at https://opendata.smhi.se/apidocs/IBWwarnings/). The document is a
list of warnings; each warning has an ``event`` (code such as ``WIND``, with Swedish
and English names) and ``warningAreas``. Each warning area has its own level
(``MESSAGE``, ``YELLOW``, ``ORANGE``, ``RED``), validity (``approximateStart``,
``approximateEnd``), publication time, polygon (a GeoJSON Feature, sometimes a
FeatureCollection or a line) and the affected counties (``affectedAreas``, whose ids
are län codes for land areas).

One warning area becomes one :class:`Message`, identified as
``"<warning id>-<warning area id>"``. The API carries no update or cancel messages:
it lists every warning in force, so the document is a *snapshot* and a warning area
that is missing from a later snapshot has ended (the store withdraws it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sot.warnings.core import fields as f
from sot.warnings.core.codes import is_county_code
from sot.warnings.core.model import (
    Area,
    Document,
    Format,
    Hazard,
    Level,
    Message,
    MsgType,
    ParseError,
    Source,
    Status,
    Text,
)

FORMAT = Format.SMHI_IBWW
AREAS_FORMAT = "smhi-ibww-areas"

# Ordered: the first matching fragment of the event code wins (WIND_SEA is "sea").
_HAZARD_FRAGMENTS = (
    ("SEA", Hazard.SEA),
    ("ICE", Hazard.SEA),
    ("SNOW", Hazard.SNOW),
    ("WIND", Hazard.WIND),
    ("THUNDER", Hazard.THUNDER),
    ("RAIN", Hazard.RAIN),
    ("PRECIPITATION", Hazard.RAIN),
    ("CLOUDBURST", Hazard.RAIN),
    ("FIRE", Hazard.FIRE),
    ("FLOOD", Hazard.FLOOD),
    ("FLOW", Hazard.FLOOD),
    ("WATER_SHORTAGE", Hazard.WATER_SHORTAGE),
    ("TEMPERATURE", Hazard.TEMPERATURE),
    ("HEAT", Hazard.TEMPERATURE),
    ("COLD", Hazard.TEMPERATURE),
)


def hazard_for_event_code(code: str) -> Hazard:
    """``"WIND"`` -> wind, ``"WIND_SEA"`` -> sea, ``"SNOWFALL"`` -> snow, ..."""
    upper = code.upper()
    for fragment, hazard in _HAZARD_FRAGMENTS:
        if fragment in upper:
            return hazard
    return Hazard.OTHER


def _sv_en(value: Any, path: str, *, long: bool = False) -> Text:
    obj = f.opt_dict(value, path)
    read = f.long_text if long else f.text
    return Text(
        sv=read(obj.get("sv"), f"{path}.sv"), en=read(obj.get("en"), f"{path}.en")
    )


def parse_warnings(data: bytes | str, *, status: Status = Status.ACTUAL) -> Document:
    """Parse ``warning.json`` into one message per warning area.

    ``status`` marks every message (the API has no status field; pass
    ``Status.EXERCISE`` when importing a recorded file for an exercise).
    """
    root = f.load_json(data)
    warnings = f.expect_list(root, "")
    budget = f.VertexBudget()
    messages: list[Message] = []
    for wi, warning in enumerate(warnings):
        wpath = f"[{wi}]"
        warning = f.expect_dict(warning, wpath)
        warning_id = f.text(warning.get("id"), f"{wpath}.id", required=True)
        event = f.opt_dict(warning.get("event"), f"{wpath}.event")
        event_code = f.text(event.get("code"), f"{wpath}.event.code", required=True)
        event_name = _sv_en(event, f"{wpath}.event")
        areas = f.expect_list(warning.get("warningAreas"), f"{wpath}.warningAreas")
        for ai, warea in enumerate(areas):
            messages.append(
                _warning_area(
                    warea,
                    f"{wpath}.warningAreas[{ai}]",
                    warning_id=warning_id,
                    event_code=event_code,
                    event_name=event_name,
                    status=status,
                    budget=budget,
                )
            )
            if len(messages) > f.MAX_MESSAGES:
                raise ParseError(f"more than {f.MAX_MESSAGES} warning areas")
    seen: set[str] = set()
    for msg in messages:
        if msg.identifier in seen:
            raise ParseError(f"warning area {msg.identifier} appears twice")
        seen.add(msg.identifier)
    return Document(
        format=FORMAT,
        messages=tuple(messages),
        snapshot=True,
        source=Source.SMHI,
        snapshot_sender="SMHI",
    )


def _warning_area(
    warea: Any,
    path: str,
    *,
    warning_id: str,
    event_code: str,
    event_name: Text,
    status: Status,
    budget: f.VertexBudget,
) -> Message:
    warea = f.expect_dict(warea, path)
    area_id = f.text(warea.get("id"), f"{path}.id", required=True)
    level_obj = f.opt_dict(warea.get("warningLevel"), f"{path}.warningLevel")
    level_code = f.text(level_obj.get("code"), f"{path}.warningLevel.code").upper()
    try:
        level = Level(level_code)
    except ValueError:
        raise ParseError(
            f"unknown warning level {level_code[:40]!r}", path=f"{path}.warningLevel"
        ) from None
    level_name = _sv_en(level_obj, f"{path}.warningLevel")
    area_name = _sv_en(warea.get("areaName"), f"{path}.areaName")
    event_desc = _sv_en(warea.get("eventDescription"), f"{path}.eventDescription")
    published = f.timestamp(warea.get("published"), f"{path}.published")
    created = f.timestamp(warea.get("created"), f"{path}.created")
    sent = published or created
    if sent is None:
        raise ParseError("neither published nor created is given", path=path)

    sv_parts: list[str] = []
    en_parts: list[str] = []
    descs = f.expect_list(
        warea.get("descriptions"), f"{path}.descriptions", allow_none=True
    )
    for di, desc in enumerate(descs):
        dpath = f"{path}.descriptions[{di}]"
        desc = f.expect_dict(desc, dpath)
        title = _sv_en(desc.get("title"), f"{dpath}.title")
        body = _sv_en(desc.get("text"), f"{dpath}.text", long=True)
        if body.sv:
            sv_parts.append(f"{title.sv}: {body.sv}" if title.sv else body.sv)
        if body.en:
            en_parts.append(f"{title.en}: {body.en}" if title.en else body.en)

    county_codes: list[str] = []
    other_codes: list[tuple[str, str]] = []
    affected = f.expect_list(
        warea.get("affectedAreas"), f"{path}.affectedAreas", allow_none=True
    )
    for ci, aff in enumerate(affected):
        aff = f.expect_dict(aff, f"{path}.affectedAreas[{ci}]")
        num = f.integer(aff.get("id"), f"{path}.affectedAreas[{ci}].id", minimum=0)
        if num is None:
            continue
        code = f"{num:02d}"
        if is_county_code(code):
            county_codes.append(code)
        else:
            other_codes.append(("smhi_area", str(num)))
    geometries = f.geojson_geometries(warea.get("area"), f"{path}.area", budget)

    what = event_desc.sv or event_name.sv
    headline = Text(
        sv=" – ".join(
            p for p in (f"{level_name.sv or level.value}", what, area_name.sv) if p
        ),
        en=" – ".join(
            p
            for p in (level_name.en, event_desc.en or event_name.en, area_name.en)
            if p
        ),
    )
    return Message(
        source=Source.SMHI,
        identifier=f"{warning_id}-{area_id}",
        sent=sent,
        msg_type=MsgType.ALERT,
        status=status,
        sender="SMHI",
        event_code=event_code.upper(),
        hazard=hazard_for_event_code(event_code),
        level=level,
        headline=headline,
        description=Text(sv="\n\n".join(sv_parts), en="\n\n".join(en_parts)),
        onset=f.timestamp(warea.get("approximateStart"), f"{path}.approximateStart"),
        expires=f.timestamp(warea.get("approximateEnd"), f"{path}.approximateEnd"),
        web="https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden/varningar",
        areas=(
            Area(
                description=area_name.sv or area_name.en,
                geometries=tuple(geometries),
                county_codes=tuple(dict.fromkeys(county_codes)),
                other_codes=tuple(other_codes),
            ),
        ),
    )


@dataclass(frozen=True)
class WarningDistrict:
    """One entry of ``metadata/area.json``: a county (id = län code) or sea area."""

    id: str
    name_sv: str
    name_en: str
    geometries: tuple[dict, ...]
    is_county: bool


def parse_areas(data: bytes | str) -> list[WarningDistrict]:
    """Parse ``metadata/area.json`` (SMHI's counties and sea districts)."""
    root = f.expect_list(f.load_json(data), "")
    budget = f.VertexBudget(limit=2_000_000)
    out: list[WarningDistrict] = []
    for i, item in enumerate(root):
        path = f"[{i}]"
        item = f.expect_dict(item, path)
        num = f.integer(item.get("id"), f"{path}.id", minimum=0)
        if num is None:
            raise ParseError("missing", path=f"{path}.id")
        code = f"{num:02d}"
        names = _area_names(item, path)
        out.append(
            WarningDistrict(
                id=code,
                name_sv=names.sv,
                name_en=names.en,
                geometries=tuple(
                    f.geojson_geometries(item.get("area"), f"{path}.area", budget)
                ),
                is_county=is_county_code(code),
            )
        )
    return out


def _area_names(item: dict, path: str) -> Text:
    for key in ("areaName", "name"):
        if isinstance(item.get(key), dict):
            return _sv_en(item[key], f"{path}.{key}")
    return Text(
        sv=f.text(item.get("sv"), f"{path}.sv"), en=f.text(item.get("en"), f"{path}.en")
    )
