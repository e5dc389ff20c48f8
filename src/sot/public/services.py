"""The public app's writers: messages to residents (the admin calls these).

A save republishes what the message touches (``receivers.on_message_saved``).
"""

from __future__ import annotations

from django.db import transaction

from sot.accounts import policy
from sot.public.models import PublicMessage
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
