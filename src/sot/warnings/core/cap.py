"""CAP 1.2 (Common Alerting Protocol) as XML from any publisher, and CAP as JSON.

XML is read with ``defusedxml`` (no DTDs, no entity expansion, no external
resources). CAP 1.2 and 1.1 namespaces are read alike; :func:`validate_xml` checks a
document against the OASIS CAP 1.2 schema with lxml, for the import command and the
tests (the schema file is not shipped with sot: pass its path).

The XML is first turned into the same nested dict shape as CAP-JSON (the form used by
Sveriges Radio's VMA API and SMHI's old ``alerts.json``), and one function reads both.

Mapping to :class:`Message`:

* ``msgType`` Alert/Update/Cancel -> alert/update/cancel; Ack and Error carry no
  warning and are skipped.
* ``status`` Actual -> actual, Exercise -> exercise, Test/System/Draft -> test.
* ``references`` ("sender,identifier,sent" triples separated by spaces) ->
  :class:`Reference`.
* ``info`` blocks: the first Swedish one gives the Swedish texts, the first English one
  (or one without ``language``: CAP's default is en-US) the English texts. Areas
  come from the first info block that has any.
* Level: SMHI's old ``system_event_level_id`` 1/2/3 -> YELLOW/ORANGE/RED; a
  MeteoAlarm ``awareness_level`` parameter ("3; orange; Severe") -> its colour;
  otherwise severity Extreme/Severe/Moderate/Minor -> RED/ORANGE/YELLOW/MESSAGE.
* Areas: ``polygon`` ("lat,lon lat,lon ...") -> GeoJSON Polygon in lon/lat order;
  ``circle`` ("lat,lon radius_km") -> a 32-corner polygon; ``geocode`` NUTS3 ->
  county code (and kept), Kommun/municipality -> municipality code, Län/county ->
  county code, Sverige/country "00" -> whole country; other geocodes are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from sot.warnings.core import fields as f
from sot.warnings.core.codes import (
    NUTS3_TO_COUNTY,
    is_county_code,
    is_municipality_code,
)
from sot.warnings.core.model import (
    Area,
    Document,
    Format,
    Hazard,
    Level,
    Message,
    MsgType,
    ParseError,
    Reference,
    Source,
    Status,
    Text,
)

FORMAT_XML = Format.CAP_XML
FORMAT_JSON = Format.CAP_JSON
CAP_NAMESPACES = (
    "urn:oasis:names:tc:emergency:cap:1.2",
    "urn:oasis:names:tc:emergency:cap:1.1",
)

_REPEATED = {
    "info",
    "area",
    "polygon",
    "circle",
    "geocode",
    "parameter",
    "eventCode",
    "category",
    "responseType",
    "resource",
    "code",
}

_MSG_TYPES = {
    "alert": MsgType.ALERT,
    "update": MsgType.UPDATE,
    "cancel": MsgType.CANCEL,
}
_SKIPPED_MSG_TYPES = {"ack", "error"}
_STATUSES = {
    "actual": Status.ACTUAL,
    "exercise": Status.EXERCISE,
    "test": Status.TEST,
    "system": Status.TEST,
    "draft": Status.TEST,
}
_SEVERITY_LEVEL = {
    "extreme": Level.RED,
    "severe": Level.ORANGE,
    "moderate": Level.YELLOW,
    "minor": Level.MESSAGE,
}
_COLOUR_LEVEL = {
    "red": Level.RED,
    "röd": Level.RED,
    "orange": Level.ORANGE,
    "yellow": Level.YELLOW,
    "gul": Level.YELLOW,
    "green": Level.MESSAGE,
}

# Ordered keyword lists (Swedish and English) for the hazard of a CAP event text.
_HAZARD_WORDS = (
    (Hazard.SEA, ("till havs", "at sea", "sea level", "vattenstånd", "havsnivå")),
    (Hazard.SNOW, ("snö", "snow", "blizzard", "yrsnö")),
    (Hazard.THUNDER, ("åska", "thunder")),
    (Hazard.WIND, ("vind", "wind", "storm", "orkan", "hurricane", "gale")),
    (Hazard.RAIN, ("regn", "rain", "skyfall", "precipitation")),
    (Hazard.FIRE, ("brand", "fire")),
    (Hazard.FLOOD, ("översvämning", "flood", "höga flöden", "tsunami")),
    (Hazard.TEMPERATURE, ("temperatur", "temperature", "värme", "heat", "cold")),
    (Hazard.WATER_SHORTAGE, ("vattenbrist", "water shortage")),
    (Hazard.POWER_OUTAGE, ("elavbrott", "strömavbrott", "power outage")),
)


def hazard_for_text(*texts: str) -> Hazard:
    """The hazard named by an event text such as "Stark vind" or "Blizzard Warning"."""
    joined = " ".join(t.casefold() for t in texts if t)
    for hazard, words in _HAZARD_WORDS:
        if any(word in joined for word in words):
            return hazard
    return Hazard.OTHER


# ---------------------------------------------------------------- XML


def parse_xml(data: bytes | str, *, source: Source = Source.CAP) -> Document:
    """Parse a CAP XML document (one ``alert``, or a wrapper holding several)."""
    f.check_size(data)
    try:
        root = DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(f"refused unsafe XML: {type(exc).__name__}") from None
    except XMLParseError as exc:
        raise ParseError(f"malformed XML: {exc}") from None
    alerts = [el for el in root.iter() if _local(el.tag) == "alert"]
    if not alerts:
        raise ParseError(f"no CAP <alert> element (root is <{_local(root.tag)}>)")
    for el in alerts:
        ns = _namespace(el.tag)
        if ns not in CAP_NAMESPACES:
            raise ParseError(f"not a CAP 1.1/1.2 namespace: {ns[:80]!r}")
    dicts = [_element_to_dict(el) for el in alerts]
    return read_alerts(dicts, FORMAT_XML, source=source, path_prefix="alert")


def validate_xml(data: bytes | str, xsd_path: str | Path) -> list[str]:
    """Errors from validating against the CAP 1.2 schema at ``xsd_path`` ([] = valid).

    lxml is used with entity resolution and network access switched off.
    """
    # lxml only when an XML document is parsed
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    schema = etree.XMLSchema(etree.parse(str(xsd_path), parser))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        return ["a DOCTYPE or entity declaration is not allowed in CAP"]
    try:
        doc = etree.fromstring(raw, parser)
        if schema.validate(doc):
            return []
    except etree.XMLSyntaxError as exc:
        return [f"malformed XML: {exc}"]
    except etree.Error as exc:
        return [f"could not validate: {exc}"]
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _element_to_dict(el: Element) -> dict:
    out: dict[str, Any] = {}
    for child in el:
        name = _local(child.tag)
        if not name:
            continue
        if len(child):
            value: Any = _element_to_dict(child)
        else:
            value = (child.text or "").strip()
        if name in _REPEATED:
            out.setdefault(name, []).append(value)
        elif name in out:
            raise ParseError(f"element <{name}> appears twice in <{_local(el.tag)}>")
        else:
            out[name] = value
    return out


# ---------------------------------------------------------------- JSON


def parse_json(data: bytes | str, *, source: Source = Source.CAP) -> Document:
    """Parse CAP-JSON: ``{"alert": [...]}``, ``{"alerts": [...]}``, a list or one alert."""
    root = f.load_json(data)
    alerts, key = _json_alerts(root)
    return read_alerts(alerts, "cap-json", source=source, path_prefix=key)


def _json_alerts(root: Any) -> tuple[list, str]:
    if isinstance(root, list):
        return root, ""
    obj = f.expect_dict(root, "")
    for key in ("alerts", "alert"):
        if key in obj:
            value = obj[key]
            if isinstance(value, dict):
                return [value], key
            return f.expect_list(value, key, allow_none=True), key
    if "identifier" in obj:
        return [obj], ""
    raise ParseError("no CAP alert found (expected 'alerts', 'alert' or 'identifier')")


# ---------------------------------------------------------------- shared


def read_alerts(
    alerts: list,
    fmt: str,
    *,
    source: Source,
    path_prefix: str,
    hazard: Hazard | None = None,
) -> Document:
    if len(alerts) > f.MAX_MESSAGES:
        raise ParseError(f"more than {f.MAX_MESSAGES} alerts")
    budget = f.VertexBudget()
    messages = []
    for i, alert in enumerate(alerts):
        msg = read_alert(
            alert, f"{path_prefix}[{i}]", source=source, budget=budget, hazard=hazard
        )
        if msg is not None:
            messages.append(msg)
    return Document(format=fmt, messages=tuple(messages), source=source)


def read_alert(
    alert: Any,
    path: str,
    *,
    source: Source,
    budget: f.VertexBudget,
    hazard: Hazard | None = None,
) -> Message | None:
    """One CAP alert (as a dict) as a :class:`Message`; ``None`` for Ack/Error."""
    alert = f.expect_dict(alert, path)
    identifier = f.text(alert.get("identifier"), f"{path}.identifier", required=True)
    sender = f.text(alert.get("sender"), f"{path}.sender")
    sent = f.timestamp(alert.get("sent"), f"{path}.sent", required=True)
    assert sent is not None  # required=True raises instead of giving None
    raw_type = f.text(alert.get("msgType"), f"{path}.msgType", required=True).lower()
    if raw_type in _SKIPPED_MSG_TYPES:
        return None
    if raw_type not in _MSG_TYPES:
        raise ParseError(f"unknown msgType {raw_type[:40]!r}", path=f"{path}.msgType")
    raw_status = f.text(alert.get("status"), f"{path}.status", required=True).lower()
    if raw_status not in _STATUSES:
        raise ParseError(f"unknown status {raw_status[:40]!r}", path=f"{path}.status")
    references = _references(alert.get("references"), f"{path}.references")

    infos = alert.get("info")
    if isinstance(infos, dict):  # SMHI's old CAP-JSON has one info object
        infos = [infos]
    infos = f.expect_list(infos, f"{path}.info", allow_none=True)
    infos = [f.expect_dict(info, f"{path}.info[{i}]") for i, info in enumerate(infos)]
    sv_info = _pick_language(infos, "sv")
    en_info = _pick_language(infos, "en")
    primary = sv_info or en_info or (infos[0] if infos else {})
    if sv_info is None and en_info is None and infos:
        en_info = infos[0]
    ipath = f"{path}.info[{infos.index(primary)}]" if primary in infos else path

    def texts(key: str, long: bool = False) -> Text:
        read = f.long_text if long else f.text
        return Text(
            sv=read(sv_info.get(key), f"{path}.info.{key}") if sv_info else "",
            en=read(en_info.get(key), f"{path}.info.{key}") if en_info else "",
        )

    event = texts("event")
    headline = texts("headline")
    if not headline:
        headline = event
    severity = f.text(primary.get("severity"), f"{ipath}.severity")
    categories = [
        f.text(c, f"{ipath}.category")
        for c in _as_list(primary.get("category"), f"{ipath}.category")
    ]
    event_codes = _value_pairs(primary.get("eventCode"), f"{ipath}.eventCode")
    parameters = _value_pairs(primary.get("parameter"), f"{ipath}.parameter")
    if hazard is None:
        hazard = hazard_for_text(event.sv, event.en, headline.sv, headline.en)
    if hazard is Hazard.OTHER and "fire" in (c.casefold() for c in categories):
        hazard = Hazard.FIRE

    areas: list[Area] = []
    for info in [primary, *infos]:
        raw_areas = _as_list(info.get("area"), f"{ipath}.area")
        if raw_areas:
            areas = [
                _area(a, f"{ipath}.area[{i}]", budget) for i, a in enumerate(raw_areas)
            ]
            break

    return Message(
        source=source,
        identifier=identifier,
        sent=sent,
        msg_type=_MSG_TYPES[raw_type],
        status=_STATUSES[raw_status],
        sender=f.text(primary.get("senderName"), f"{ipath}.senderName") or sender,
        event_code=_event_code(event_codes, event),
        hazard=hazard,
        level=_level(severity, event_codes, parameters),
        severity=severity,
        headline=headline,
        description=texts("description", long=True),
        instruction=texts("instruction", long=True),
        onset=f.timestamp(primary.get("onset"), f"{ipath}.onset")
        or f.timestamp(primary.get("effective"), f"{ipath}.effective"),
        expires=f.timestamp(primary.get("expires"), f"{ipath}.expires"),
        web=f.web_url(primary.get("web"), f"{ipath}.web"),
        areas=tuple(areas),
        references=references,
    )


def _pick_language(infos: list[dict], lang: str) -> dict | None:
    for info in infos:
        code = info.get("language")
        code = code.strip().lower() if isinstance(code, str) else ""
        if code.startswith(lang) or (lang == "en" and not code):
            return info
    return None


def _as_list(value: Any, path: str) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict | str):
        return [value]
    raise ParseError(f"expected a list, got {type(value).__name__}", path=path)


def _value_pairs(value: Any, path: str) -> list[tuple[str, str]]:
    out = []
    for i, item in enumerate(_as_list(value, path)):
        item = f.expect_dict(item, f"{path}[{i}]")
        name = f.text(item.get("valueName"), f"{path}[{i}].valueName")
        raw = item.get("value")
        if isinstance(raw, float | int) and not isinstance(raw, bool):
            raw = str(raw)
        val = f.long_text(raw, f"{path}[{i}].value")
        out.append((name, val))
    return out


def _references(value: Any, path: str) -> tuple[Reference, ...]:
    raw = f.long_text(value, path)
    refs = []
    for token in raw.split():
        parts = token.split(",")
        if len(parts) >= 3:
            sent = None
            try:
                sent = f.timestamp(",".join(parts[2:]), path)
            except ParseError:
                sent = None
            refs.append(Reference(identifier=parts[1], sender=parts[0], sent=sent))
        else:
            refs.append(Reference(identifier=token))
    return tuple(refs)


def _event_code(pairs: Iterable[tuple[str, str]], event: Text) -> str:
    """The first eventCode value that is not one of SMHI's ``system_*`` fields."""
    for name, value in pairs:
        if value and not name.lower().startswith("system_"):
            return value[:100]
    return (event.en or event.sv)[:100]


def _level(
    severity: str, event_codes: list[tuple[str, str]], parameters: list[tuple[str, str]]
) -> Level | None:
    for name, value in event_codes:
        if name == "system_event_level_id" and value in ("1", "2", "3"):
            return (Level.YELLOW, Level.ORANGE, Level.RED)[int(value) - 1]
    for name, value in parameters:
        if name.lower() in ("awareness_level", "warninglevel", "warning_level"):
            for word in value.replace(";", " ").split():
                level = _COLOUR_LEVEL.get(word.strip().lower())
                if level:
                    return level
            try:
                return Level(value.strip().upper())
            except ValueError:
                pass
    return _SEVERITY_LEVEL.get(severity.lower())


def _area(value: Any, path: str, budget: f.VertexBudget) -> Area:
    area = f.expect_dict(value, path)
    desc = f.text(area.get("areaDesc"), f"{path}.areaDesc", limit=f.MAX_LONG_TEXT)
    geometries: list[dict] = []
    for i, poly in enumerate(_as_list(area.get("polygon"), f"{path}.polygon")):
        geom = _cap_polygon(poly, f"{path}.polygon[{i}]", budget)
        if geom:
            geometries.append(geom)
    for i, circle in enumerate(_as_list(area.get("circle"), f"{path}.circle")):
        geom = _cap_circle(circle, f"{path}.circle[{i}]", budget)
        if geom:
            geometries.append(geom)
    counties: list[str] = []
    municipalities: list[str] = []
    nuts: list[str] = []
    others: list[tuple[str, str]] = []
    whole_country = False
    for name, value in _value_pairs(area.get("geocode"), f"{path}.geocode"):
        key = name.casefold().replace(" ", "").replace("_", "")
        code = value.strip()
        if key in ("nuts3", "nuts") and code.upper() in NUTS3_TO_COUNTY:
            nuts.append(code.upper())
            counties.append(NUTS3_TO_COUNTY[code.upper()])
        elif key in ("kommun", "kommunkod", "municipality", "lau") and (
            is_municipality_code(code)
        ):
            municipalities.append(code)
        elif key in ("län", "lan", "länskod", "county") and is_county_code(
            code.zfill(2)
        ):
            counties.append(code.zfill(2))
        elif key in ("sverige", "country", "land") and code in ("00", "SE", "se"):
            whole_country = True
        else:
            others.append((name[:100], code[:100]))
    return Area(
        description=desc,
        geometries=tuple(geometries),
        county_codes=tuple(dict.fromkeys(counties)),
        municipality_codes=tuple(dict.fromkeys(municipalities)),
        nuts3_codes=tuple(dict.fromkeys(nuts)),
        other_codes=tuple(others),
        whole_country=whole_country,
    )


def _cap_pair(token: str, path: str) -> tuple[float, float]:
    parts = token.split(",")
    if len(parts) != 2:
        raise ParseError(f"expected 'lat,lon', got {token[:40]!r}", path=path)
    lat, lon = parts
    return f.coordinate(lon, lat, path)


def _cap_polygon(value: Any, path: str, budget: f.VertexBudget) -> dict | None:
    raw = f.text(value, path, limit=f.MAX_DOCUMENT_BYTES)
    if not raw:  # NWS sends <polygon></polygon>
        return None
    tokens = raw.split()
    budget.spend(len(tokens), path)
    ring = [list(_cap_pair(t, path)) for t in tokens]
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    if len(ring) < 4:
        raise ParseError("polygon with fewer than three distinct corners", path=path)
    return {"type": "Polygon", "coordinates": [ring]}


def _cap_circle(value: Any, path: str, budget: f.VertexBudget) -> dict | None:
    raw = f.text(value, path, required=True)
    parts = raw.split()
    if len(parts) != 2:
        raise ParseError(f"expected 'lat,lon radius', got {raw[:40]!r}", path=path)
    lon, lat = _cap_pair(parts[0], path)
    try:
        radius_km = float(parts[1])
    except ValueError:
        raise ParseError(
            f"radius is not a number: {parts[1][:20]!r}", path=path
        ) from None
    if not (0 <= radius_km <= 2000):
        raise ParseError(f"radius out of range: {radius_km}", path=path)
    if radius_km == 0:
        return None
    budget.spend(33, path)
    return f.circle_polygon(lon, lat, radius_km)
