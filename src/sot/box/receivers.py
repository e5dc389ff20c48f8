"""On a box the register is a copy: only central edits it.

Any save or delete of a register model that is not the sync's own copying (Django
marks those ``raw``) is refused with a clear message.
"""

from __future__ import annotations

from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext as _

from sot.box.copying import copying
from sot.box.sync import is_box
from sot.errors import Invalid, Refused
from sot.operations.models import Activation

REGISTER_APP = "registry"


def _refuse_on_box(sender, raw=False, **kwargs):
    if raw or copying() or sender._meta.app_label != REGISTER_APP:
        return
    if sender.__module__ == "__fake__":  # a migration's historical model
        return

    if is_box():
        raise Refused(
            _("Registret ändras bara centralt; boxen har en kopia som synkas."),
            code="box_register",
        )


def _hours_central_only(sender, raw=False, update_fields=None, **kwargs):
    """An activation's opening hours are set centrally: the box's copy is
    replaced at every sync and nothing would carry a change made here."""
    if raw or not update_fields or "opening_hours" not in update_fields:
        return
    if is_box():
        raise Invalid(
            _("Öppettider sätts centralt; boxen visar dem efter nästa synk."),
            code="box_hours",
        )


def connect() -> None:
    pre_save.connect(
        _hours_central_only, sender=Activation, dispatch_uid="sot.box.hours_save"
    )
    pre_save.connect(_refuse_on_box, dispatch_uid="sot.box.register_save")
    pre_delete.connect(_refuse_on_box, dispatch_uid="sot.box.register_delete")
