"""GeoJSON, HXL CSV and Atom writers."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from sot.public.core import atom, cap, geojson, hxl
from sot.public.core.model import PublicMessageData, StateChange

A = "{http://www.w3.org/2005/Atom}"


def test_geojson_is_rfc7946_lon_lat(point_factory):
    doc = geojson.feature_collection([point_factory()], base_url="https://x.se")
    (f,) = doc["features"]
    assert f["geometry"] == {"type": "Point", "coordinates": [13.2406, 63.4755]}
    assert f["properties"]["state"] == "open" and f["properties"]["open"] is True
    assert f["properties"]["fuel"] == {"fuel_diesel": True, "fuel_petrol95": False}
    assert f["properties"]["updated"] == "2026-11-30T03:00:00Z"
    assert f["properties"]["url"] == "https://x.se/punkt/kall/"
    assert json.loads(geojson.dumps(doc)) == doc


def test_hxl_csv_has_hashtag_row(point_factory):
    text = hxl.to_csv([point_factory(), point_factory(slug="b", name='Bå, "x"')])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["id", "namn"]
    assert all(tag.startswith("#") for tag in rows[1])
    assert rows[2][rows[0].index("läge")] == "open"
    row = dict(zip(rows[0], rows[2], strict=True))
    assert row["drivmedel"] == "fuel_diesel" and row["drivmedel_text"] == "Diesel"
    assert row["tjänster"] == "food;heating"
    assert row["tjänster_text"] == "Livsmedel, Värme"
    assert row["betalning"] == "cash;card"
    assert row["betalning_text"] == "Kontanter, Kort"
    assert rows[3][1] == 'Bå, "x"'
    assert len(rows) == 4


def test_hxl_machine_columns_split_on_semicolon(point_factory):
    """Several fuels are codes joined by ";", never names joined by spaces."""
    from sot.public.core.model import Service

    p = point_factory(
        fuel=(Service("fuel_petrol95", True), Service("fuel_diesel", True))
    )
    rows = list(csv.reader(io.StringIO(hxl.to_csv([p]))))
    row = dict(zip(rows[0], rows[2], strict=True))
    assert row["drivmedel"].split(";") == ["fuel_petrol95", "fuel_diesel"]
    assert row["drivmedel_text"] == "Bensin 95, Diesel"
    tags = dict(zip(rows[0], rows[1], strict=True))
    assert tags["drivmedel"].endswith("+code") and tags["drivmedel_text"].endswith(
        "+name"
    )


def test_cap_atom_index_links_each_message(point_factory):
    at = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    msgs = cap.messages_for_changes(
        [StateChange("e1", "E", point_factory(), "open", at)], sender="s@x.se"
    )
    xml = atom.cap_index(msgs, base_url="https://x.se", author="Länsstyrelsen")
    root = ET.fromstring(xml)
    assert root.tag == f"{A}feed"
    (entry,) = root.findall(f"{A}entry")
    link = entry.find(f"{A}link[@type='application/cap+xml']")
    assert link.get("href") == f"https://x.se/cap/{msgs[0].identifier}.xml"
    assert root.find(f"{A}updated").text == "2026-11-30T03:00:00Z"
    self_link = root.find(f"{A}link[@rel='self']").get("href")
    assert self_link == "https://x.se/feeds/cap.atom"


def test_messages_atom_newest_first_and_exercise_marked():
    msgs = [
        PublicMessageData(
            "1",
            "Diesel endast till räddningstjänst till kl 18",
            datetime(2026, 11, 30, 3, tzinfo=UTC),
            point_slug="kall",
            point_name="Kall",
        ),
        PublicMessageData(
            "2",
            "Övningen börjar",
            datetime(2026, 11, 30, 4, tzinfo=UTC),
            exercise=True,
            event_name="Övning Jämtland",
        ),
    ]
    root = ET.fromstring(
        atom.messages_feed(msgs, base_url="https://x.se", author="Åre")
    )
    titles = [e.find(f"{A}title").text for e in root.findall(f"{A}entry")]
    assert titles == [
        "Övning: Övning Jämtland: Övningen börjar",
        "Kall: Diesel endast till räddningstjänst till kl 18",
    ]


def test_empty_feed_is_still_valid_atom():
    root = ET.fromstring(atom.messages_feed([], base_url="https://x.se", author="x"))
    assert root.find(f"{A}id").text == "https://x.se/feeds/meddelanden.atom"
    assert root.findall(f"{A}entry") == []
