"""Republish the snapshot when something public changes.

Listens to the operations app's ``public_state_changed`` (sent on commit) and to
saves of public messages and points. With ``SOT_PUBLISH_DIR`` set, each change is
written down and one debounced ``publish_pending`` task is enqueued for the task
worker (:func:`sot.public.tasks.request_publish`); the web process publishes nothing
itself and starts no thread.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from sot.operations.signals import public_state_changed
from sot.public import tasks
from sot.public.models import PublicMessage
from sot.registry.models import Point


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
