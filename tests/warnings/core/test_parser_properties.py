"""Property tests: every parser either returns a document or raises ParseError.

Inputs: arbitrary bytes and text, arbitrary JSON values, real and written documents
with one value swapped for a value of another type, huge strings, and XML built from
random element names and text. No other exception may escape.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sot.warnings.core import cap, detect, krisinformation, outage, smhi, vma
from sot.warnings.core.model import Document, ParseError

DATA = Path(__file__).resolve().parent / "data"
PARSERS = [
    smhi.parse_warnings,
    krisinformation.parse,
    vma.parse,
    cap.parse_xml,
    cap.parse_json,
    outage.parse_geojson,
    outage.parse_csv,
    detect.parse_document,
]
JSON_DOCS = [
    "smhi_ibww_jamtland_orange_wind.json",
    "smhi_ibww_several_areas_hole_edge.json",
    "sr_vma_v3_exercise_alert.json",
    "outage_jamtland.geojson",
]
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def survives(parser, data) -> None:
    try:
        result = parser(data)
    except ParseError as exc:
        assert str(exc)  # a reason is always given
        return
    assert isinstance(result, Document)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data):
    for parser in PARSERS:
        survives(parser, data)


huge_strings = st.builds(
    lambda ch, n: ch * (20_000 * n),
    st.sampled_from(["x", "å", " ", "\\"]),
    st.integers(1, 4),
)


@SETTINGS
@given(json_values)
def test_arbitrary_json(value):
    data = json.dumps(value)
    for parser in PARSERS:
        survives(parser, data)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


def _replace(obj, path, value):
    if not path:
        return value
    obj = copy.deepcopy(obj)
    target = obj
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return obj


@SETTINGS
@given(st.data())
def test_documents_with_one_value_of_the_wrong_type(data):
    name = data.draw(st.sampled_from(JSON_DOCS))
    doc = json.loads((DATA / name).read_text())
    paths = list(_paths(doc))
    path = data.draw(st.sampled_from(paths))
    value = data.draw(json_values | huge_strings)
    mutated = json.dumps(_replace(doc, path, value))
    for parser in PARSERS:
        survives(parser, mutated)


@SETTINGS
@given(
    huge_strings, st.sampled_from(["identifier", "headline", "description", "polygon"])
)
def test_huge_strings_in_cap(big, element):
    fields = {
        "identifier": "i",
        "headline": "h",
        "description": "d",
        "polygon": "1,1 1,2 2,2 1,1",
    }
    fields[element] = big
    xml = (
        "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'>"
        f"<identifier>{fields['identifier']}</identifier>"
        "<sent>2024-01-01T00:00:00Z</sent><status>Actual</status><msgType>Alert</msgType>"
        f"<info><headline>{fields['headline']}</headline>"
        f"<description>{fields['description']}</description>"
        f"<area><areaDesc>a</areaDesc><polygon>{fields['polygon']}</polygon></area>"
        "</info></alert>"
    )
    survives(cap.parse_xml, xml)


xml_names = st.sampled_from(
    [
        "alert",
        "info",
        "area",
        "polygon",
        "circle",
        "geocode",
        "identifier",
        "sent",
        "status",
        "msgType",
        "references",
        "value",
        "valueName",
        "headline",
        "x",
    ]
)


@st.composite
def xml_trees(draw, depth=0):
    name = draw(xml_names)
    text = draw(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
    )
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    children = (
        draw(st.lists(xml_trees(depth=depth + 1), max_size=3)) if depth < 3 else []
    )
    return f"<{name}>{text}{''.join(children)}</{name}>"


@SETTINGS
@given(xml_trees())
def test_random_cap_like_xml(tree):
    xml = tree.replace(
        "<alert>", "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'>", 1
    )
    survives(cap.parse_xml, xml)
    survives(detect.parse_document, xml)


@SETTINGS
@given(st.lists(st.lists(st.text(max_size=15), min_size=1, max_size=6), max_size=8))
def test_random_csv(rows):
    header = "id;ort;postnummer;kunder;beräknad återställning\n"
    body = "\n".join(";".join(r) for r in rows)
    survives(outage.parse_csv, header + body)
