"""Typed warning messages: what every parser in ``sot.warnings.core`` returns.

One :class:`Document` holds the :class:`Message` objects found in one file or one
HTTP response. A message is one warning (one SMHI warning area, one CAP alert, one
Krisinformation item, one power-outage area) with its areas and its references to
earlier messages. Parsers either return a whole, valid document or raise
:class:`ParseError` with a reason; they never return half a document.

Times are timezone-aware and converted to UTC. Coordinates are WGS84 longitude,
latitude (GeoJSON order), whatever order the source used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sot.vocabulary import Term, gettext_noop


class ParseError(ValueError):
    """The document is not a valid document of the expected format.

    ``path`` points at the offending element (``"[0].warningAreas[1].area"``).
    """

    def __init__(self, reason: str, *, path: str = "") -> None:
        self.reason = reason
        self.path = path
        super().__init__(f"{path}: {reason}" if path else reason)


class MsgType(Term):
    """CAP msgType: a new message, an update of earlier ones, or a cancellation."""

    ALERT = "alert", gettext_noop("Varning")
    UPDATE = "update", gettext_noop("Uppdatering")
    CANCEL = "cancel", gettext_noop("Upphävande")


class Status(Term):
    """CAP status, reduced: a real message, an exercise, or a technical test."""

    ACTUAL = "actual", gettext_noop("Skarp")
    EXERCISE = "exercise", gettext_noop("Övning")
    TEST = "test", gettext_noop("Test")


#: The statuses an imported document's actual messages can be marked with
#: (``parse_document(status=...)``, the upload form, ``sot warnings import --status``).
MARKABLE_STATUSES = (Status.EXERCISE, Status.TEST)


class Level(Term):
    """SMHI warning level; CAP severities are mapped onto it (see ``cap.py``)."""

    MESSAGE = "MESSAGE", gettext_noop("Meddelande")
    YELLOW = "YELLOW", gettext_noop("Gul")
    ORANGE = "ORANGE", gettext_noop("Orange")
    RED = "RED", gettext_noop("Röd")

    @property
    def rank(self) -> int:
        """0 for MESSAGE up to 3 for RED, for comparisons."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.MESSAGE: 0, Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}


class Hazard(Term):
    """A coarse event type that rules can select on; ``event_code`` keeps the raw."""

    WIND = "wind", gettext_noop("Vind")
    SNOW = "snow", gettext_noop("Snö")
    RAIN = "rain", gettext_noop("Regn")
    THUNDER = "thunder", gettext_noop("Åska")
    FIRE = "fire", gettext_noop("Brand")
    FLOOD = "flood", gettext_noop("Översvämning")
    TEMPERATURE = "temperature", gettext_noop("Temperatur")
    SEA = "sea", gettext_noop("Till havs")
    WATER_SHORTAGE = "water_shortage", gettext_noop("Vattenbrist")
    # VMA, viktigt meddelande till allmänheten
    PUBLIC_WARNING = "public_warning", gettext_noop("VMA")
    POWER_OUTAGE = "power_outage", gettext_noop("Elavbrott")
    OTHER = "other", gettext_noop("Annat")


class Source(Term):
    """Which kind of publisher a message came from (the format family)."""

    SMHI = "smhi", gettext_noop("SMHI")
    KRISINFORMATION = "krisinformation", gettext_noop("Krisinformation")
    VMA = "vma", gettext_noop("VMA (Sveriges Radio)")
    CAP = "cap", gettext_noop("CAP")
    OUTAGE = "outage", gettext_noop("Elavbrott (nätägare)")


class Format(Term):
    """A document format sot reads: the name of its parser (``sot.warnings.core``),
    a warning source's format and the format a message was read from."""

    SMHI_IBWW = "smhi-ibww", gettext_noop("SMHI warning.json (IBW)")
    KRISINFORMATION = "krisinformation-v3", gettext_noop("Krisinformation API v3")
    SR_VMA = "sr-vma", gettext_noop("Sveriges Radio VMA API v3")
    CAP_XML = "cap-xml", gettext_noop("CAP 1.2 XML")
    CAP_JSON = "cap-json", gettext_noop("CAP som JSON")
    OUTAGE_GEOJSON = "outage-geojson", gettext_noop("Elavbrott, GeoJSON")
    OUTAGE_CSV = "outage-csv", gettext_noop("Elavbrott, CSV")


@dataclass(frozen=True)
class Text:
    """A text in Swedish and, where the source gives it, English."""

    sv: str = ""
    en: str = ""

    def __bool__(self) -> bool:
        return bool(self.sv or self.en)


@dataclass(frozen=True)
class Reference:
    """A reference to an earlier message (CAP ``sender,identifier,sent``)."""

    identifier: str
    sender: str = ""
    sent: datetime | None = None


@dataclass(frozen=True)
class Area:
    """One area of a message, as geometry and/or as codes.

    ``geometries`` are GeoJSON geometry dicts (Polygon or MultiPolygon, lon/lat).
    ``county_codes`` are two-digit län codes ("23"), ``municipality_codes`` four-digit
    kommun codes ("2321"); NUTS3 codes are translated to county codes and also kept
    as given in ``nuts3_codes``. ``municipality_names`` ("Åre kommun") come from
    sources that name rather than code a municipality. ``localities`` and ``postcodes`` come from outage
    lists. ``whole_country`` is set for areas such as VMA geocode "00".
    """

    description: str = ""
    geometries: tuple[dict, ...] = ()
    county_codes: tuple[str, ...] = ()
    municipality_codes: tuple[str, ...] = ()
    municipality_names: tuple[str, ...] = ()
    nuts3_codes: tuple[str, ...] = ()
    localities: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    other_codes: tuple[tuple[str, str], ...] = ()
    whole_country: bool = False


@dataclass(frozen=True)
class Message:
    """One warning message, whatever its source format."""

    source: Source
    identifier: str
    sent: datetime
    msg_type: MsgType = MsgType.ALERT
    status: Status = Status.ACTUAL
    sender: str = ""
    event_code: str = ""
    hazard: Hazard = Hazard.OTHER
    level: Level | None = None
    severity: str = ""
    headline: Text = field(default_factory=Text)
    description: Text = field(default_factory=Text)
    instruction: Text = field(default_factory=Text)
    onset: datetime | None = None
    expires: datetime | None = None
    web: str = ""
    areas: tuple[Area, ...] = ()
    references: tuple[Reference, ...] = ()
    customers_affected: int | None = None
    restoration_expected: datetime | None = None


@dataclass(frozen=True)
class Document:
    """The messages of one document.

    ``snapshot`` is true for documents that list every message in force (SMHI's
    ``warning.json``, an operator's outage list): a message of ``source`` from
    ``snapshot_sender`` that is missing from a later snapshot has ended. ``format``
    names the parser that read it.
    """

    format: str
    messages: tuple[Message, ...]
    snapshot: bool = False
    source: Source | None = None
    snapshot_sender: str = ""
