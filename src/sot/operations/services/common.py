"""What every operations service shares: refusals, client-made ids, the log."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sot.errors import Conflict, Invalid
from sot.operations.core import observation
from sot.operations.core.status import (
    EventWindow,
)
from sot.operations.models import (
    Event,
    LogEntry,
    Source,
    StatusReport,
)
from sot.operations.signals import (
    public_state_changed,
)


class OperationRefused(Invalid):
    """A request the operations rules refuse (not a lifecycle transition): 422."""

    def __init__(self, code: str, message: str):
        super().__init__(message, code=code)


class StaleReport(OperationRefused):
    """The form was based on an older report; ``newer`` is the current one: 409."""

    status = Conflict.status

    @property
    def detail(self) -> str:
        return str(self.message)

    def __init__(self, newer: StatusReport | None):
        self.newer = newer
        super().__init__(
            "stale_form",
            _(
                "Någon annan har rapporterat under tiden. Kontrollera de nya värdena "
                "och skicka igen."
            ),
        )


class UidConflict(OperationRefused):
    """A client-made id already names another record (never overwritten): 409."""

    status = Conflict.status

    def __init__(self, uid):
        super().__init__(
            "uid_conflict",
            _("Id:t %(uid)s används redan för en annan post.") % {"uid": uid},
        )


UNSET: Any = object()


def as_uid(value) -> uuid.UUID | None:
    """A client-made id as a UUID (None stays None); anything else is refused."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise OperationRefused(
            "bad_uid", _("Ogiltigt id: %(uid)s") % {"uid": str(value)[:40]}
        ) from None


def stored_once(model, field: str = "uid"):
    """Decorate a service that takes ``uid=``: when a concurrent request stored the
    same id first (two tries of one phone, or a phone and Background Sync, racing),
    the database's unique constraint refuses the second insert and the record the
    first one stored is returned instead of an error."""

    def wrap(fn):
        @functools.wraps(fn)
        def service(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except IntegrityError:
                uid = as_uid(kwargs.get("uid"))
                found = (
                    model.objects.filter(**{field: uid}).first()
                    if uid is not None
                    else None
                )
                if found is None:
                    raise
                return found

        return service

    return wrap


def _received(model, uid, *, check) -> Any:
    """The record already stored under the client-made ``uid``, or None.

    ``check(record)`` says whether the stored record is the same thing (same point,
    same event); a uid reused for something else is refused, never overwritten.
    """
    if uid is None:
        return None
    existing = model.objects.filter(uid=as_uid(uid)).first()
    if existing is not None and not check(existing):
        raise UidConflict(uid)
    return existing


def _placed(observed_at, sent_at, received_at) -> observation.Placed:
    return observation.place(
        observed_at=observed_at, sent_at=sent_at, received_at=received_at
    )


#: Fields of a status report that carry over from the previous report when not given.
REPORT_FIELDS = (
    "power_source",
    "services",
    "fuel_products",
    "payment_methods",
    "indoor_temp_c",
    "people_present",
    "capacity_people",
    "queue",
    "generator_fuel_l",
    "generator_fuel_pct",
    "generator_load_pct",
    "needs_fuel",
    "needs_staff",
    "needs_supplies",
    "needs_text",
    "note",
    "public_note",
)
#: Fields that do not carry over when not given: the fuel level and the note describe
#: a moment, and the public note is public text that must never outlive what it was
#: written about unseen (issue #11): a report without one withdraws it, unless the
#: caller passes :data:`KEEP` because the operator chose to keep it.
NO_CARRY = {"generator_fuel_l", "generator_fuel_pct", "note", "public_note"}
#: A field value meaning "the previous report's value, on purpose".
KEEP: Any = object()


def _name(user) -> str:
    if user is None:
        return str(_("systemet"))
    return user.get_full_name() or user.username


def _window(event: Event) -> EventWindow:
    return EventWindow(starts_at=event.starts_at, ends_at=event.ends_at)


def _notify(*, point=None, event: Event) -> None:
    def send():
        public_state_changed.send(sender=Event, point=point, event=event)

    transaction.on_commit(send)


def _log(
    *,
    event,
    kind,
    text,
    author=None,
    point=None,
    source=Source.WEB,
    at=None,
    **received: Any,
):
    return LogEntry.objects.create(
        event=event,
        point=point,
        kind=kind,
        text=text,
        author=author,
        author_name=_name(author),
        source=source,
        at=at or timezone.now(),
        **received,
    )
