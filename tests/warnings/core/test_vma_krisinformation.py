"""Sveriges Radio VMA API v3 and Krisinformation API v3."""

from __future__ import annotations

import pytest

from sot.warnings.core import krisinformation, vma
from sot.warnings.core.model import Hazard, Level, MsgType, ParseError, Status


def test_vma_exercise_alert(written):
    doc = vma.parse((written / "sr_vma_v3_exercise_alert.json").read_bytes())
    first, second = doc.messages
    assert first.identifier == "SRCAP20240301100000E"
    assert first.status is Status.EXERCISE
    assert first.hazard is Hazard.PUBLIC_WARNING and first.level is None
    assert first.severity == "Severe"
    assert first.areas[0].municipality_codes == ("2321",)
    assert first.description.en.startswith("EXERCISE")
    assert second.areas[0].county_codes == ("23",)
    assert second.areas[0].nuts3_codes == ("SE322",)


def test_vma_cancel_without_info(written):
    (msg,) = vma.parse(
        (written / "sr_vma_v3_exercise_cancel.json").read_bytes()
    ).messages
    assert msg.msg_type is MsgType.CANCEL
    assert msg.references[0].identifier == "SRCAP20240301100000E"
    assert msg.areas == ()


def test_vma_whole_country_geocode():
    doc = vma.parse(
        '{"timestamp": "2025-12-01T14:03:51+01:00", "alerts": [{"identifier": "SRCAP1",'
        ' "sender": "https://vmaapi.sr.se", "sent": "2025-12-01T14:03:27+01:00",'
        ' "status": "Exercise", "msgType": "Alert", "scope": "Public", "info": [{'
        '"language": "sv-SE", "event": "Kvartalstest", "severity": "Severe",'
        ' "area": [{"areaDesc": "Hela landet", "geocode": [{"valueName": "Sverige",'
        ' "value": "00"}]}]}]}]}'
    )
    assert doc.messages[0].areas[0].whole_country


def test_vma_without_alerts_key():
    with pytest.raises(ParseError, match="alerts"):
        vma.parse('{"timestamp": "x"}')


def test_krisinformation_recorded_news(recorded):
    doc = krisinformation.parse(
        (recorded / "krisinformation_v3_news_2023-03.json").read_bytes()
    )
    assert doc.snapshot  # items drop out of the list when they end
    by_id = {m.identifier: m for m in doc.messages}
    assert set(by_id) == {"18478", "18435", "18434"}
    jamtland = by_id["18435"]
    assert jamtland.level is Level.ORANGE  # inferred from the headline
    assert jamtland.hazard in (Hazard.WIND, Hazard.SNOW)
    assert [a.county_codes for a in jamtland.areas] == [("23",)]
    assert "<p>" not in jamtland.description.sv
    assert "Personer avråds starkt" in jamtland.description.sv
    south = by_id["18478"]
    # Only "Sverige" is given, on a warning for southern Sweden: it touches nothing.
    assert not south.areas[0].whole_country
    assert south.areas[0].other_codes == (("country", "Sverige"),)
    vma_item = by_id["18434"]
    assert vma_item.hazard is Hazard.PUBLIC_WARNING and vma_item.level is None
    assert vma_item.areas[0].county_codes == ("12",)
    assert vma_item.areas[1].other_codes[0][0] == "poi"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Orange vind- och snövarning i fjällen", Level.ORANGE),
        ("Röd varning för storm", Level.RED),
        ("Gul varning: kraftigt regn", Level.YELLOW),
        ("Orange himmel i kväll", None),
        ("Viktigt meddelande till allmänheten", None),
    ],
)
def test_infer_level(text, level):
    assert krisinformation.infer_level(text) is level


def test_html_to_text():
    assert (
        krisinformation.html_to_text("<p>A&nbsp;b</p><ul><li>ett</li><li>två</li></ul>")
        == "A b\n- ett\n- två"
    )


def test_only_http_links_are_kept():
    item = (
        '[{"Identifier": "1", "Published": "2024-01-01T00:00:00+01:00",'
        ' "Headline": "x", "Web": "javascript:alert(1)"}]'
    )
    assert krisinformation.parse(item).messages[0].web == ""
