"""The public app's writers: messages to residents (the admin calls these).

A save republishes what the message touches (``receivers.on_message_saved``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.public.core.search import SWEDEN
from sot.public.models import GazetteerPlace, Postcode, PublicMessage
from sot.public.permissions import POST_MESSAGE


def save_message(*, actor, message: PublicMessage) -> PublicMessage:
    """Post a new message (its author is ``actor``) or save a changed one; the
    actor must be allowed to post for the stored message and for what it becomes."""
    created = message.pk is None
    if not created:
        policy.require(actor, POST_MESSAGE, PublicMessage.objects.get(pk=message.pk))
    policy.require(actor, POST_MESSAGE, message)
    with transaction.atomic():
        if created:
            message.author = actor
        message.save()
    return message


def delete_message(*, actor, message: PublicMessage) -> None:
    """Delete a message (an administrator's task; others withdraw it)."""
    policy.require(actor, policy.ADMINISTER)
    message.delete()


# Reference data for place search: gazetteer places and postcodes. Imports load them
# in bulk; the admin corrects single rows through these. A save is a public change
# (pagecache's signals), like any other write to the public app's models.


def check_coordinates(obj) -> None:
    lon_min, lat_min, lon_max, lat_max = SWEDEN
    if not (lat_min <= obj.lat <= lat_max and lon_min <= obj.lon <= lon_max):
        raise ValidationError(
            {"lat": _("Koordinaterna ligger utanför Sverige (WGS84, lat/lon).")}
        )


def save_reference(
    *, actor, obj: GazetteerPlace | Postcode
) -> GazetteerPlace | Postcode:
    """Create or change a gazetteer place or postcode (administrators only); the
    coordinates must lie in Sweden."""
    policy.require(actor, policy.ADMINISTER)
    check_coordinates(obj)
    obj.full_clean()
    with transaction.atomic():
        obj.save()
    return obj


def delete_reference(*, actor, obj: GazetteerPlace | Postcode) -> None:
    """Delete a gazetteer place or postcode (administrators only)."""
    policy.require(actor, policy.ADMINISTER)
    with transaction.atomic():
        obj.delete()
