"""Checklists from municipality-editable templates: on activation, and the monthly
generator test-run whose result updates the point's readiness."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations.core import observation
from sot.operations.models import (
    Activation,
    Checklist,
    ChecklistItem,
    ChecklistKind,
    ChecklistTemplate,
    LogEntry,
    LogKind,
    Readiness,
    TestResult,
)
from sot.operations.services.common import OperationRefused, UidConflict, as_uid
from sot.registry.models import BackupPower

#: Used when neither the municipality nor the county default has a template.
DEFAULT_ITEMS = {
    ChecklistKind.ACTIVATION: [
        gettext_noop("Starta elverket och kontrollera att det går jämnt"),
        gettext_noop("Koppla över butik och drivmedelspumpar till reservkraft"),
        gettext_noop("Öppna värmestugan och kontrollera temperaturen"),
        gettext_noop("Sätt upp anslaget om SOT-punkten vid entrén"),
        gettext_noop("Kontrollera bränslenivån i elverkets tank"),
        gettext_noop("Rapportera läget i sot"),
    ],
    ChecklistKind.GENERATOR_TEST: [
        gettext_noop("Kontrollera olja, kylvätska och bränslenivå"),
        gettext_noop("Starta elverket och låt det gå minst 30 minuter med last"),
        gettext_noop("Kontrollera att butik och pumpar fungerar på reservkraft"),
        gettext_noop("Koppla tillbaka till nätet och stäng av elverket"),
        gettext_noop("Fyll på bränsle vid behov"),
    ],
}
DEFAULT_NAMES = {
    ChecklistKind.ACTIVATION: gettext_noop("Aktivering av SOT-punkt"),
    ChecklistKind.GENERATOR_TEST: gettext_noop("Månatlig provkörning av elverk"),
}


def template_for(*, point, kind: str) -> ChecklistTemplate | None:
    """The municipality's active template of ``kind``, else the default one."""
    own = ChecklistTemplate.objects.filter(
        municipality=point.municipality, kind=kind, active=True
    ).first()
    if own is not None:
        return own
    return ChecklistTemplate.objects.filter(
        municipality__isnull=True, kind=kind, active=True
    ).first()


def save_template(
    *, municipality, kind: str, name: str, items: list[str], by
) -> ChecklistTemplate:
    """Create or replace the municipality's template of ``kind``."""
    policy.require(by, perm.CHANGE_CHECKLIST_TEMPLATE, municipality)
    items = [line.strip() for line in items if line and line.strip()]
    with transaction.atomic():
        template, _created = ChecklistTemplate.objects.update_or_create(
            municipality=municipality,
            kind=kind,
            defaults={"name": name, "items": items},
        )
    return template


def save_template_row(*, template: ChecklistTemplate, by) -> ChecklistTemplate:
    """Save a template edited as a row (the admin: name, kind, municipality,
    whether in use, items); the actor must be allowed to change the stored template
    and what it becomes (no municipality = the default for all)."""
    if template.pk is not None:
        policy.require(
            by,
            perm.CHANGE_CHECKLIST_TEMPLATE,
            ChecklistTemplate.objects.get(pk=template.pk),
        )
    policy.require(by, perm.CHANGE_CHECKLIST_TEMPLATE, template)
    with transaction.atomic():
        template.save()
    return template


def delete_template(*, template: ChecklistTemplate, by) -> None:
    """Delete a template (checklists already made from it keep their items)."""
    policy.require(by, perm.CHANGE_CHECKLIST_TEMPLATE, template)
    template.delete()


def _create(*, point, kind, by, activation=None) -> Checklist:
    template = template_for(point=point, kind=kind)
    if template is not None:
        name, items = template.name, list(template.items)
    else:
        name = _(DEFAULT_NAMES[kind])
        items = [_(text) for text in DEFAULT_ITEMS[kind]]
    checklist = Checklist.objects.create(
        point=point,
        activation=activation,
        kind=kind,
        name=name,
        template=template,
        created_by=by,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, order=i, text=text)
        for i, text in enumerate(items, start=1)
    )
    return checklist


def start_activation_checklist(*, activation: Activation, by) -> Checklist:
    """The activation checklist for a point (called by ``activate_point``)."""
    with transaction.atomic():
        return _create(
            point=activation.point,
            kind=ChecklistKind.ACTIVATION,
            by=by,
            activation=activation,
        )


def start_generator_test(*, point, by) -> Checklist:
    """Begin a monthly generator test-run checklist for ``point``."""
    policy.require(by, perm.TICK_CHECKLIST, point)
    with transaction.atomic():
        return _create(point=point, kind=ChecklistKind.GENERATOR_TEST, by=by)


def tick_item(
    *, item: ChecklistItem, by, uid=None, at=None, sent_at=None
) -> ChecklistItem:
    """Tick an item (once: who and when are kept; ticking again changes nothing).

    ``uid`` is the client-made id of the tick, ``at`` when it was ticked (observed)
    and ``sent_at`` when the client sent it, as for status reports."""
    checklist = item.checklist
    policy.require(by, perm.TICK_CHECKLIST, checklist.point)
    received = timezone.now()
    placed = observation.place(observed_at=at, sent_at=sent_at, received_at=received)
    with transaction.atomic():
        if uid is not None:
            uid = as_uid(uid)
            other = ChecklistItem.objects.filter(done_uid=uid).exclude(pk=item.pk)
            if other.exists():
                raise UidConflict(uid)
        locked = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        if locked.done_at is not None:
            return locked
        locked.done_at = placed.observed_at
        locked.done_by = by
        locked.done_uid = as_uid(uid) or uuid.uuid4()
        locked.done_received_at = received
        locked.save(
            update_fields=["done_at", "done_by", "done_uid", "done_received_at"]
        )
        if checklist.activation_id:
            activation = checklist.activation
            LogEntry.objects.create(
                event=activation.event,
                point=checklist.point,
                kind=LogKind.CHECKLIST,
                author=by,
                author_name=_author(by),
                at=locked.done_at,
                text=_("%(point)s: ✓ %(item)s")
                % {"point": checklist.point.name, "item": locked.text},
            )
    return locked


def _author(user) -> str:
    if user is None:
        return str(_("systemet"))
    return user.get_full_name() or user.username


def complete_checklist(
    *, checklist: Checklist, by, result: str = "", note: str = ""
) -> Checklist:
    """Close a checklist. A generator test needs a result, which sets readiness."""
    policy.require(by, perm.TICK_CHECKLIST, checklist.point)
    if checklist.completed_at is not None:
        raise OperationRefused("completed", _("Checklistan är redan avslutad."))
    if (
        checklist.kind == ChecklistKind.GENERATOR_TEST
        and result not in TestResult.values
    ):
        raise OperationRefused(
            "result_required", _("Ange resultatet av provkörningen.")
        )
    now = timezone.now()
    with transaction.atomic():
        checklist.completed_at = now
        checklist.completed_by = by
        checklist.result = result
        checklist.result_note = note
        checklist.save(
            update_fields=["completed_at", "completed_by", "result", "result_note"]
        )
        if checklist.kind == ChecklistKind.GENERATOR_TEST:
            Readiness.objects.update_or_create(
                point=checklist.point,
                defaults={
                    "last_test_at": now,
                    "last_result": result,
                    "note": note,
                    "checklist": checklist,
                },
            )
            BackupPower.objects.filter(point=checklist.point).update(
                last_test_run_on=timezone.localdate(now)
            )
    return checklist


def open_items(checklist: Checklist) -> int:
    """Number of items not ticked yet."""
    return checklist.items.filter(done_at__isnull=True).count()
