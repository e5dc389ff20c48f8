"""Krisinformation.se API v3: news, notices and VMA items.

API: https://api.krisinformation.se/v3/news, ``/notices``, ``/vmas``. Each endpoint
returns a list of items with ``Identifier``, ``Published``, ``Updated``,
``Headline``, ``Preamble``, ``BodyText`` (HTML), ``Web``, ``Language``, ``Event``,
``SenderName`` and ``Area`` (each with ``Type``: Country, County, Municipality or
PoI, a ``Description`` such as "Jämtlands län", a centre coordinate and
``GeometryInformation``, usually null).

Mapping to :class:`Message`:

* An item is identified by ``Identifier``; Krisinformation edits items in place, so a
  later version of the same identifier replaces the earlier one (``Updated`` is the
  sent time). Items carry no cancel; they drop out of the list, so a list is a
  snapshot (of the address it was polled from).
* Areas: County -> county code (by name), Municipality -> municipality name (matched
  to the registry by the store), PoI -> kept as a named code (a point has no area),
  Country "Sverige" counts as the whole country only when it is the item's only area
  (news items list it beside the real area). A GeoJSON ``GeometryInformation`` is used
  as the area's geometry.
* Hazard: VMA items (``Event`` "Vma", or "Viktigt meddelande till allmänheten" in the
  headline) are public warnings; otherwise the hazard is read from the words of the
  headline. The level is *inferred* from the headline ("Orange vind- och
  snövarning ..." -> ORANGE), because the API has no level field.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from sot.warnings.core import fields as f
from sot.warnings.core.cap import hazard_for_text
from sot.warnings.core.codes import county_code_for_name
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

FORMAT = Format.KRISINFORMATION

_LEVEL_WORDS = (("röd", Level.RED), ("orange", Level.ORANGE), ("gul", Level.YELLOW))
_WORD = re.compile(r"[\wåäöÅÄÖ]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("p", "br", "li", "h1", "h2", "h3", "ul", "div"):
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of a Krisinformation ``BodyText`` (tags dropped, entities decoded)."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    joined = "".join(parser.parts).replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in joined.splitlines()]
    return "\n".join(line for line in lines if line)


def infer_level(*texts: str) -> Level | None:
    """ "Orange vind- och snövarning" -> ORANGE; ``None`` without a warning colour."""
    for text in texts:
        words = [w.casefold() for w in _WORD.findall(text or "")]
        if not any("varning" in w for w in words):
            continue
        for word, level in _LEVEL_WORDS:
            if word in words:
                return level
    return None


def parse(data: bytes | str, *, status: Status = Status.ACTUAL) -> Document:
    """Parse a Krisinformation v3 list (``/news``, ``/notices`` or ``/vmas``)."""
    root = f.load_json(data)
    if isinstance(root, dict):  # a single item
        root = [root]
    items = f.expect_list(root, "")
    if len(items) > f.MAX_MESSAGES:
        raise ParseError(f"more than {f.MAX_MESSAGES} items")
    budget = f.VertexBudget()
    messages = [
        _item(item, f"[{i}]", status=status, budget=budget)
        for i, item in enumerate(items)
    ]
    return Document(
        format=FORMAT,
        messages=tuple(messages),
        snapshot=True,
        source=Source.KRISINFORMATION,
    )


def _item(item: Any, path: str, *, status: Status, budget: f.VertexBudget) -> Message:
    item = f.expect_dict(item, path)
    identifier = f.text(item.get("Identifier"), f"{path}.Identifier", required=True)
    published = f.timestamp(item.get("Published"), f"{path}.Published")
    updated = f.timestamp(item.get("Updated"), f"{path}.Updated")
    sent = updated or published
    if sent is None:
        raise ParseError("neither Updated nor Published is given", path=path)
    language = f.text(item.get("Language"), f"{path}.Language").lower()
    headline = f.text(item.get("Headline"), f"{path}.Headline")
    preamble = f.long_text(item.get("Preamble"), f"{path}.Preamble")
    body_html = f.long_text(item.get("BodyText"), f"{path}.BodyText")
    body = html_to_text(body_html) if body_html else ""
    preamble_text = html_to_text(preamble) if preamble else ""
    description = "\n\n".join(p for p in (preamble_text, body) if p)
    event = f.text(item.get("Event"), f"{path}.Event")

    is_vma = event.casefold() in ("vma", "alert") or (
        "viktigt meddelande till allmänheten" in headline.casefold()
    )
    hazard = Hazard.PUBLIC_WARNING if is_vma else hazard_for_text(headline)
    areas = _areas(item.get("Area"), f"{path}.Area", budget)
    is_en = language.startswith("en")
    return Message(
        source=Source.KRISINFORMATION,
        identifier=identifier,
        sent=sent,
        msg_type=MsgType.ALERT,
        status=status,
        sender=f.text(item.get("SenderName"), f"{path}.SenderName"),
        event_code=event,
        hazard=hazard,
        level=None if is_vma else infer_level(headline, preamble_text),
        headline=Text(en=headline) if is_en else Text(sv=headline),
        description=Text(en=description) if is_en else Text(sv=description),
        onset=published,
        web=f.web_url(item.get("Web"), f"{path}.Web"),
        areas=areas,
    )


def _areas(value: Any, path: str, budget: f.VertexBudget) -> tuple[Area, ...]:
    raw = f.expect_list(value, path, allow_none=True)
    areas: list[Area] = []
    country = False
    for i, area in enumerate(raw):
        apath = f"{path}[{i}]"
        area = f.expect_dict(area, apath)
        kind = f.text(area.get("Type"), f"{apath}.Type").casefold()
        desc = f.text(area.get("Description"), f"{apath}.Description")
        geometry_info = area.get("GeometryInformation")
        geometries: list[dict] = []
        if isinstance(geometry_info, dict) and "type" in geometry_info:
            geometries = f.geojson_geometries(
                geometry_info, f"{apath}.GeometryInformation", budget
            )
        if kind == "country":
            country = True
            continue
        if kind == "county":
            code = county_code_for_name(desc)
            areas.append(
                Area(
                    description=desc,
                    geometries=tuple(geometries),
                    county_codes=(code,) if code else (),
                    other_codes=() if code else (("county_name", desc),),
                )
            )
        elif kind == "municipality":
            areas.append(
                Area(
                    description=desc,
                    geometries=tuple(geometries),
                    municipality_names=(desc,),
                )
            )
        else:
            coord = f.text(area.get("Coordinate"), f"{apath}.Coordinate")
            areas.append(
                Area(
                    description=desc,
                    geometries=tuple(geometries),
                    other_codes=((kind or "area", f"{desc} {coord}".strip()),),
                )
            )
    if country and not areas:
        # News items are tagged "Sverige" even when the warning is regional (item
        # 18478, a warning for southern Sweden, carries only that tag), so the tag
        # is kept as a description and touches nothing.
        areas.append(Area(description="Sverige", other_codes=(("country", "Sverige"),)))
    return tuple(areas)
