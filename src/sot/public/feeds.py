"""The open feeds as bytes: GeoJSON, HXL CSV, CAP with its Atom index, messages Atom,
and the OGC API - Features service object."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from sot.public import state
from sot.public.core import atom, cap, geojson, hxl, ogc
from sot.public.core.model import PublicState
from sot.public.pages import PublicData


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def cap_sender() -> str:
    """CAP ``sender``: ``sot@<host of SOT_SITE_URL>`` (no spaces or commas)."""
    host = urlsplit(site_url()).hostname or "localhost"
    return f"sot@{host}"


def geojson_bytes(data: PublicData) -> bytes:
    return geojson.dumps(geojson.feature_collection(data.points, base_url=site_url()))


def csv_bytes(data: PublicData) -> bytes:
    return hxl.to_csv(data.points).encode("utf-8")


def cap_messages(now=None) -> list[cap.CapMessage]:
    return cap.messages_for_changes(
        state.state_changes(now=now),
        sender=cap_sender(),
        base_url=site_url(),
        sender_name="SOT-punkter",
    )


#: The CAP index lists the newest messages only; every message keeps its own file
#: (``/cap/<identifier>.xml``). At national scale there are tens of thousands.
CAP_INDEX_MAX = 500


def cap_atom_bytes(messages: list[cap.CapMessage]) -> bytes:
    newest = sorted(messages, key=lambda m: (m.sent, m.filename))[-CAP_INDEX_MAX:]
    return atom.cap_index(newest, base_url=site_url(), author="SOT-punkter")


def messages_atom_bytes(data: PublicData) -> bytes:
    return atom.messages_feed(data.messages, base_url=site_url(), author="SOT-punkter")


#: The properties of ``points`` a client may filter on (OGC API Part 3 queryables).
QUERYABLES = {
    "state": {
        "type": "string",
        "title": "Läge (state)",
        "description": "The public state of the point",
        "enum": [str(s) for s in PublicState],
    },
    "municipality_code": {
        "type": "string",
        "title": "Kommunkod (municipality code)",
        "description": "Four-digit municipality code, e.g. 2321",
        "pattern": "^[0-9]{4}$",
    },
    "open": {
        "type": "boolean",
        "title": "Öppen (open)",
        "description": "Open or open with limitations: true/false (or 1/0)",
    },
    "exercise": {
        "type": "boolean",
        "title": "Övning (exercise)",
        "description": "The point is open in an exercise: true/false (or 1/0)",
    },
}


def ogc_api(data: PublicData, base_url: str) -> ogc.FeaturesAPI:
    features = geojson.feature_collection(data.points, base_url=site_url())["features"]
    points = ogc.Collection(
        id="points",
        title="SOT-punkter",
        description="Service- och trygghetspunkter med aktuellt läge "
        "(service and safety points with live status).",
        features=features,
        temporal_property="updated",
        queryables=QUERYABLES,
        keywords=("SOT-punkt", "reservkraft", "krisberedskap"),
    )
    return ogc.FeaturesAPI(
        base_url=base_url.rstrip("/"),
        title="SOT-punkter – OGC API Features",
        description="Öppna data om service- och trygghetspunkter.",
        collections={"points": points},
    )
