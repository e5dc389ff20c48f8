"""Boxes: a small computer at a point that keeps serving when the network is gone.

Central side: :class:`Box`, a paired box with its points and the hash of its token
(revocable). Box side: :class:`Link` (the one row that makes an install a box: the
central install's address and the token) and :class:`Synced` (the client-made ids
central already has, so a sync pushes each record once).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Box(models.Model):
    """A box paired with this (central) install, for one or more points."""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    points = models.ManyToManyField(
        "registry.Point",
        verbose_name=pgettext_lazy("SOT-punkter", "punkter"),
        related_name="boxes",
    )
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("senast hörd"), null=True, blank=True)
    clock_offset_s = models.FloatField(
        _("boxens klocka före (s)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("box")
        verbose_name_plural = _("boxar")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def make_secret(cls) -> tuple[str, str]:
        prefix = secrets.token_hex(4)
        return prefix, f"sotbox_{prefix}_{secrets.token_urlsafe(24)}"

    def matches(self, secret: str) -> bool:
        return secrets.compare_digest(self.key_hash, _hash(secret))

    @property
    def county_code(self) -> str:
        point = self.points.select_related("municipality").first()
        return point.municipality.county_code if point else ""


class Link(models.Model):
    """This install is a box: where central is and how it last went (one row)."""

    central_url = models.URLField(_("central adress"))
    token = models.CharField(max_length=200)
    name = models.CharField(_("boxens namn"), max_length=100)
    point_slugs = models.JSONField(
        pgettext_lazy("SOT-punkter", "punkter"), default=list
    )
    county_code = models.CharField(max_length=2, blank=True)
    paired_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(_("senaste synk"), null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    snapshot_at = models.DateTimeField(_("ögonblicksbild från"), null=True, blank=True)
    clock_offset_s = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("koppling till central")
        verbose_name_plural = _("koppling till central")

    def __str__(self) -> str:
        return f"{self.name} → {self.central_url}"


class Synced(models.Model):
    """A client-made id that central has (pushed from here or pulled from there)."""

    uid = models.UUIDField(unique=True)
    kind = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.uid}"
