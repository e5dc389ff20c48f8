"""Republish the snapshot when something public changes.

Listens to the operations app's ``public_state_changed`` (sent on commit), to
saves of public messages and points, and to the saves and deletes of every other
register row the public pages show (a county's fallback numbers and radio, the
names of counties and municipalities, organisations and their public contacts,
service labels: the whole site; a point's services and backup power: its pages;
a warning stored, updated or ended by the poller: the pages of the points and
municipalities under it, with the start pages). With ``SOT_PUBLISH_DIR`` set, each change is
written down and one debounced ``publish_pending`` task is enqueued for the task
worker (:func:`sot.public.tasks.request_publish`); the web process publishes nothing
itself and starts no thread.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sot.operations.signals import public_state_changed
from sot.public import tasks
from sot.public.models import PublicMessage
from sot.registry.models import (
    BackupPower,
    Contact,
    County,
    Municipality,
    Organisation,
    Point,
    PointService,
    Service,
)
from sot.warnings.models import WarningMessage

#: register rows besides points that pages of any point may show
SHOWN_EVERYWHERE = (County, Municipality, Organisation, Contact, Service)
#: register rows that belong to one point and show on its pages
SHOWN_WITH_A_POINT = (PointService, BackupPower)


@receiver(public_state_changed, dispatch_uid="sot.public.republish")
def on_public_state_changed(sender, point=None, **kwargs):
    # a point's change republishes what it affects; an event's, everything
    tasks.request_publish(slugs=[point.slug] if point is not None else None)


@receiver(post_save, sender=PublicMessage, dispatch_uid="sot.public.message_saved")
def on_message_saved(sender, instance, **kwargs):
    slugs = [instance.point.slug] if instance.point_id else []
    codes = [instance.municipality.code] if instance.municipality_id else []
    transaction.on_commit(
        lambda: tasks.request_publish(slugs=slugs, municipalities=codes)
    )


@receiver(post_save, sender=Point, dispatch_uid="sot.public.point_saved")
def on_point_saved(sender, instance, **kwargs):
    slug = instance.slug
    transaction.on_commit(lambda: tasks.request_publish(slugs=[slug]))


@receiver(post_delete, sender=Point, dispatch_uid="sot.public.point_deleted")
def on_point_deleted(sender, instance, **kwargs):
    # publish_points removes the pages of a slug that is gone
    slug = instance.slug
    transaction.on_commit(lambda: tasks.request_publish(slugs=[slug]))


def on_shown_everywhere(sender, instance=None, raw=False, **kwargs):
    """A county's numbers, a contact, a service's label, ...: the whole site (a
    change of register data, rare; the live pages follow it at once too)."""
    if not raw and settings.PUBLISH_DIR:
        transaction.on_commit(tasks.request_publish)


def on_shown_with_a_point(sender, instance=None, raw=False, **kwargs):
    if raw or not settings.PUBLISH_DIR:
        return
    point_id = instance.point_id
    slugs = list(Point.objects.filter(pk=point_id).values_list("slug", flat=True))
    if slugs:  # none when the point itself is being deleted (its own receiver)
        transaction.on_commit(lambda: tasks.request_publish(slugs=slugs))


for _models, _receiver in (
    (SHOWN_EVERYWHERE, on_shown_everywhere),
    (SHOWN_WITH_A_POINT, on_shown_with_a_point),
):
    for _model in _models:
        for _signal, _what in ((post_save, "saved"), (post_delete, "deleted")):
            _signal.connect(
                _receiver,
                sender=_model,
                dispatch_uid=f"sot.public.{_model._meta.model_name}_{_what}",
            )


@receiver(post_save, sender=WarningMessage, dispatch_uid="sot.public.warning_saved")
def on_warning_saved(sender, instance, raw=False, **kwargs):
    """A warning shows on the start pages and on the pages of the points and
    municipalities under it (``pages.present_warnings``); what it is under is
    set after it is saved, so it is read once the transaction commits."""
    if raw or not settings.PUBLISH_DIR:
        return
    pk = instance.pk
    transaction.on_commit(lambda: _publish_warning(pk))


@receiver(post_delete, sender=WarningMessage, dispatch_uid="sot.public.warning_deleted")
def on_warning_deleted(sender, instance, **kwargs):
    # what it was under is gone with it: the whole site
    if settings.PUBLISH_DIR:
        transaction.on_commit(tasks.request_publish)


def _publish_warning(pk: int) -> None:
    warning = WarningMessage.objects.filter(pk=pk).first()
    if warning is None:
        tasks.request_publish()
        return
    codes = list(warning.municipalities.values_list("code", flat=True))
    slugs = set(warning.points.values_list("slug", flat=True))
    slugs |= set(
        Point.objects.filter(municipality__code__in=codes).values_list(
            "slug", flat=True
        )
    )
    tasks.request_publish(slugs=sorted(slugs), municipalities=codes)
