"""Closed vocabularies: each defined once, as a plain enum of codes with labels.

A vocabulary (the states of a point, event kinds, availability of a service, warning
levels, ...) is a :class:`Term` subclass in its domain's plain ``core`` package. Each
member is a stable code (what is stored, sent in the API and matched in SMS) with its
Swedish label, marked with :func:`gettext_noop` so ``makemessages`` extracts it.
Everything else derives from that one definition: the models' ``choices`` through
:func:`sot.config.choices.text_choices`, forms through the models, the API schemas
through :func:`literal`, public labels through ``.label``. Plain module: no Django.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Any, Literal


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it (Django's convention)."""
    return message


class Term(StrEnum):
    """A member of a closed vocabulary: ``NAME = "code", gettext_noop("Etikett")``."""

    label: str

    def __new__(cls, value: str, label: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        """The codes in definition order."""
        return tuple(m.value for m in cls)


def literal(codes: Any) -> Any:
    """A ``typing.Literal`` of the given codes (a :class:`Term` class or an iterable),
    for API schemas that accept exactly these values (no retyped list)."""
    values = tuple(str(c) for c in codes)
    return Literal[values]


class PointState(Term):
    """State of a point within one event (operations; also the states an SMS report
    names, :mod:`sot.outreach.core.commands`)."""

    ALERTED = "alerted", gettext_noop("Larmad")
    ACTIVATING = "activating", gettext_noop("Aktiveras")
    OPEN = "open", gettext_noop("Öppen")
    LIMITED = "limited", gettext_noop("Begränsad")
    CLOSED = "closed", gettext_noop("Stängd")
    UNKNOWN = "unknown", gettext_noop("Okänd")


class JobState(Term):
    """The state of a background job: a register import
    (:class:`sot.registry.models.ImportJob`) or a planning run
    (:class:`sot.plans.models.PlanningRun`). A planning run is never cancelled."""

    QUEUED = "queued", gettext_noop("I kö")
    RUNNING = "running", gettext_noop("Pågår")
    DONE = "done", gettext_noop("Klar")
    FAILED = "failed", gettext_noop("Misslyckades")
    CANCELLED = "cancelled", gettext_noop("Avbruten")


class Language(Term):
    """A language sot speaks: the site's languages (``settings.LANGUAGES``, each in
    its own name, ``native``) and a resident's or volunteer's language for SMS and
    e-mail (:class:`sot.outreach.models.Language`, labelled in Swedish)."""

    native: str

    def __new__(cls, value: str, label: str, native: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.native = native
        return member

    SV = "sv", gettext_noop("Svenska"), "Svenska"
    EN = "en", gettext_noop("Engelska"), "English"


class FuelProduct(Term):
    """A fuel product: what a backup generator burns
    (:class:`sot.registry.models.FuelType`), the keys of a status report's
    ``fuel_products`` and the fuels an operator names in an SMS report."""

    DIESEL = "diesel", gettext_noop("Diesel")
    HVO100 = "hvo100", gettext_noop("HVO100")
    PETROL = "petrol", gettext_noop("Bensin")
    OTHER = "other", gettext_noop("Annat")


class PublicAvailability(Term):
    """Whether the public can get a service or fuel product at a point (for
    machines: the feeds and the snapshot), made by
    :mod:`sot.operations.core.public_state` (as ``Availability``) and given by
    ``Offer.status`` in :mod:`sot.public.core.model`."""

    AVAILABLE = "available"
    LIMITED = "limited"
    NOT_AVAILABLE = "not_available"
    UNKNOWN = "unknown"


class PublicState(Term):
    """The state of a point as the public sees it: made by
    :mod:`sot.operations.core.public_state` (as ``Shown``) and shown by
    :mod:`sot.public.core` (labels and colours in ``sot.public.core.model``)."""

    PREPARING = "preparing"
    OPEN = "open"
    LIMITED = "limited"
    CLOSED = "closed"
    STANDBY = "standby"
    UNKNOWN = "unknown"


#: The national service catalogue: what a SOT-punkt can offer, as
#: (code, Swedish name, English name, category, has_capacity, sort order). Loaded into
#: the register by a data migration (:mod:`sot.registry.catalogue`); the public pages'
#: fallback names (:mod:`sot.public.core.model`) derive from the same rows. A
#: municipality adds its own services as data, never as code.
NATIONAL_SERVICES: tuple[tuple[str, str, str, str, bool, int], ...] = (
    ("food", "Livsmedel", "Food", "food", False, 10),
    ("fuel_petrol95", "Bensin 95", "Petrol 95", "fuel", False, 20),
    ("fuel_diesel", "Diesel", "Diesel", "fuel", False, 21),
    ("fuel_hvo100", "HVO100", "HVO100", "fuel", False, 22),
    ("fuel_e85", "E85", "E85", "fuel", False, 23),
    ("heating", "Värme", "Heating", "heat", False, 30),
    ("warm_room", "Värmestuga", "Warm room", "heat", True, 31),
    ("phone_charging", "Laddning av telefon", "Phone charging", "power", False, 40),
    ("drinking_water", "Dricksvatten", "Drinking water", "water", False, 50),
    ("toilets", "Toaletter", "Toilets", "water", False, 51),
    ("information", "Information", "Information", "information", False, 60),
    ("first_aid", "Första hjälpen", "First aid", "health", False, 70),
    ("wifi", "Wi-Fi", "Wi-Fi", "information", False, 61),
    ("satellite_link", "Satellitlänk", "Satellite link", "information", False, 62),
    ("radio", "Radio (Rakel/kommunradio)", "Radio", "information", False, 63),
    ("pay_card", "Kortbetalning", "Card payment", "payment", False, 80),
    ("pay_cash", "Kontanter", "Cash", "payment", False, 81),
    ("pay_invoice", "Faktura/kredit", "Invoice or credit", "payment", False, 82),
)

#: The catalogue's fuels and payment methods, in catalogue order.
FUEL_SERVICES = tuple(row[0] for row in NATIONAL_SERVICES if row[3] == "fuel")
PAYMENT_SERVICES = tuple(row[0] for row in NATIONAL_SERVICES if row[3] == "payment")


_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def swedish_order(name: str) -> str:
    """A sort key for names in Swedish alphabetical order: Å, Ä, Ö after Z (in that
    order), other accents dropped (é as e, ü as u), case ignored. The database's collation cannot be trusted for this (PostgreSQL's
    C.UTF-8 puts Ä before Å, en_US puts Å among the A's)."""
    text = name.casefold().translate(_SWEDISH_LAST)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))
