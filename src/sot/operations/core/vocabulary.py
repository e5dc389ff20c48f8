"""The closed vocabularies of operations, defined once (see :mod:`sot.vocabulary`).

Models (``sot.operations.models``), forms, the API schemas, the public pages and the
situation report all derive their codes and Swedish labels from these.
"""

from __future__ import annotations

from sot.vocabulary import FuelProduct, Term, gettext_noop
from sot.vocabulary import PointState as _PointState

#: State of a point within one event: defined in :mod:`sot.vocabulary` because the
#: SMS parser (outreach's plain core) reads and writes the same codes.
PointState = _PointState


#: The states a person reports (alerted and unknown are set by the system), in the
#: order the report form offers them.
REPORTABLE_STATES = (
    PointState.OPEN,
    PointState.LIMITED,
    PointState.ACTIVATING,
    PointState.CLOSED,
)


class EventKind(Term):
    STORM = "storm", gettext_noop("Storm")
    POWER_OUTAGE = "power_outage", gettext_noop("Elavbrott")
    TELECOM_OUTAGE = "telecom_outage", gettext_noop("Avbrott i telefoni och data")
    COLD = "cold", gettext_noop("Sträng kyla")
    WATER = "water", gettext_noop("Avbrott i vattenförsörjning")
    OTHER = "other", gettext_noop("Annan störning")


class Severity(Term):
    MINOR = "minor", gettext_noop("begränsad")
    MODERATE = "moderate", gettext_noop("betydande")
    SEVERE = "severe", gettext_noop("allvarlig")
    EXTREME = "extreme", gettext_noop("mycket allvarlig")


class Source(Term):
    """Where a record came from."""

    WEB = "web", gettext_noop("webb")
    API = "api", gettext_noop("API")
    SMS = "sms", gettext_noop("SMS")
    SYSTEM = "system", gettext_noop("systemet")


class PowerSource(Term):
    GRID = "grid", gettext_noop("Nätström")
    GENERATOR = "generator", gettext_noop("Reservkraft (elverk)")
    NONE = "none", gettext_noop("Ingen ström")


class Availability(Term):
    """Whether a service or a fuel product is available at a point."""

    YES = "yes", gettext_noop("Ja")
    LIMITED = "limited", gettext_noop("Begränsat")
    NO = "no", gettext_noop("Nej")
    UNKNOWN = "unknown", gettext_noop("Vet ej")


class PaymentMethod(Term):
    CARD = "card", gettext_noop("Kort")
    CASH = "cash", gettext_noop("Kontanter")
    SWISH = "swish", gettext_noop("Swish")
    INVOICE = "invoice", gettext_noop("Faktura/kredit")


class Queue(Term):
    NONE = "none", gettext_noop("Ingen kö")
    SHORT = "short", gettext_noop("Kort kö")
    LONG = "long", gettext_noop("Lång kö")


class LogKind(Term):
    DECISION = "decision", gettext_noop("Beslut")
    ACTION = "action", gettext_noop("Åtgärd")
    MESSAGE = "message", gettext_noop("Meddelande")
    STATUS = "status", gettext_noop("Lägesändring")
    REPORT = "report", gettext_noop("Rapport")
    DELIVERY = "delivery", gettext_noop("Bränsleleverans")
    CHECKLIST = "checklist", gettext_noop("Checklista")
    NOTE = "note", gettext_noop("Anteckning")


#: The log kinds a person may write by hand (the others are written by the system).
WRITABLE_LOG_KINDS = (LogKind.DECISION, LogKind.ACTION, LogKind.MESSAGE, LogKind.NOTE)

#: Register service code -> fuel product key in a status report's ``fuel_products``.
#: The products are :class:`sot.vocabulary.FuelProduct`.
FUEL_PRODUCT_KEYS = {
    "fuel_diesel": FuelProduct.DIESEL,
    "fuel_petrol95": FuelProduct.PETROL,
    "fuel_hvo100": FuelProduct.HVO100,
    "fuel_e85": FuelProduct.OTHER,
}
#: Register service code -> value in a status report's ``payment_methods``.
PAYMENT_METHOD_KEYS = {
    "pay_card": PaymentMethod.CARD.value,
    "pay_cash": PaymentMethod.CASH.value,
    "pay_invoice": PaymentMethod.INVOICE.value,
}
