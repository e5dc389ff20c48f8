"""Public messages, and the gazetteer and postcode tables used to find the nearest point."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sot.accounts.policy import Scope


class RestrictionKind(models.TextChoices):
    """What a restriction on a service or fuel product means for the public."""

    RESCUE_ONLY = "rescue_only", _("endast räddningstjänst")
    PRIORITY = "priority", _("endast prioriterade behov")
    RATIONED = "rationed", _("ransonerat")
    OTHER = "other", _("begränsat")


#: English for the public pages (the public phrase book does not use gettext).
RESTRICTION_LABELS: dict[str, tuple[str, str]] = {
    RestrictionKind.RESCUE_ONLY: ("endast räddningstjänst", "rescue services only"),
    RestrictionKind.PRIORITY: ("endast prioriterade behov", "priority needs only"),
    RestrictionKind.RATIONED: ("ransonerat", "rationed"),
    RestrictionKind.OTHER: ("begränsat", "limited"),
}


class PublicMessageQuerySet(models.QuerySet):
    def current(self, now=None):
        """Published, not withdrawn, not expired, and its event (if any) not ended."""
        now = now or timezone.now()
        return (
            self.filter(published_at__lte=now, withdrawn_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .filter(
                Q(event__isnull=True)
                | (
                    Q(event__starts_at__lte=now)
                    & (Q(event__ends_at__isnull=True) | Q(event__ends_at__gt=now))
                )
            )
        )


class PublicMessage(models.Model):
    """A short message from the municipality to the public, about an event or a point.

    Example: "Diesel endast till räddningstjänst till kl 18". Shown on the pages and in
    the Atom feed of messages. Withdrawn, never deleted, so feeds stay honest.
    """

    municipality = models.ForeignKey(
        "registry.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        related_name="public_messages",
    )
    event = models.ForeignKey(
        "operations.Event",
        verbose_name=_("händelse"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="public_messages",
    )
    point = models.ForeignKey(
        "registry.Point",
        verbose_name=_("SOT-punkt"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="public_messages",
    )
    service_code = models.CharField(
        _("gäller tjänst eller drivmedel"),
        max_length=40,
        blank=True,
        help_text=_(
            "Tjänstens kod i registret (t.ex. fuel_diesel): då är meddelandet en "
            "begränsning som visas vid tjänsten i alla flöden."
        ),
    )
    restriction = models.CharField(
        _("begränsning"),
        max_length=20,
        choices=RestrictionKind.choices,
        blank=True,
    )
    text = models.CharField(_("meddelande (svenska)"), max_length=300)
    text_en = models.CharField(_("meddelande (engelska)"), max_length=300, blank=True)
    published_at = models.DateTimeField(
        _("publicerat"), default=timezone.now, db_index=True
    )
    expires_at = models.DateTimeField(_("gäller till"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PublicMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("meddelande till allmänheten")
        verbose_name_plural = _("meddelanden till allmänheten")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_restriction(self) -> bool:
        return bool(self.service_code and self.restriction)

    def clean(self):
        if (self.service_code or self.restriction) and not (
            self.service_code and self.restriction and self.event_id and self.point_id
        ):
            raise ValidationError(
                _(
                    "En begränsning behöver tjänst, typ av begränsning, händelse och "
                    "punkt."
                )
            )
        if (
            self.point_id
            and self.municipality_id
            and (self.point.municipality_id != self.municipality_id)
        ):
            raise ValidationError({"point": _("Punkten ligger i en annan kommun.")})
        if (
            self.expires_at
            and self.published_at
            and self.expires_at <= self.published_at
        ):
            raise ValidationError({"expires_at": _("Måste vara efter publiceringen.")})

    def policy_scope(self) -> Scope:
        return Scope(
            county_code=self.municipality.county_code,
            municipality_id=self.municipality_id,
            point_id=self.point_id,
        )


class GazetteerPlace(models.Model):
    """A named place imported from a gazetteer CSV (e.g. Lantmäteriet's place names)."""

    name = models.CharField(_("namn"), max_length=200, db_index=True)
    kind = models.CharField(_("typ"), max_length=60, blank=True)
    lat = models.FloatField(_("latitud"))
    lon = models.FloatField(_("longitud"))
    municipality_code = models.CharField(_("kommunkod"), max_length=4, blank=True)
    source = models.CharField(_("källa"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("ortnamn")
        verbose_name_plural = _("ortnamn")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    """A postcode with a representative point (imported table)."""

    code = models.CharField(_("postnummer"), max_length=5, unique=True)
    locality = models.CharField(_("postort"), max_length=100, blank=True)
    lat = models.FloatField(_("latitud"))
    lon = models.FloatField(_("longitud"))

    class Meta:
        verbose_name = _("postnummer")
        verbose_name_plural = _("postnummer")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code[:3]} {self.code[3:]} {self.locality}"


class PendingPublish(models.Model):
    """A change that waits to be published to the static snapshot.

    Each public change adds a row (a point's slug, a municipality's code, or
    ``everything``); the ``publish_pending`` task takes every row there is, publishes
    once for all of them and deletes them. A burst of changes thus gives one publish
    run, and a change whose task could not be enqueued is picked up by the next run
    or by the scheduler.
    """

    slug = models.CharField(_("punkt"), max_length=100, blank=True)
    municipality_code = models.CharField(_("kommunkod"), max_length=4, blank=True)
    everything = models.BooleanField(_("hela webbplatsen"), default=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        verbose_name = _("väntande publicering")
        verbose_name_plural = _("väntande publiceringar")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.slug or self.municipality_code or "*"


class PublicChange(models.Model):
    """One row per change to data the public pages show; the newest id is the
    version the rendered-page cache is keyed by (:mod:`sot.public.pagecache`).

    A row is inserted inside the transaction that makes the change, so a reader
    sees the new version exactly when it sees the new data, and no row is ever
    updated (writers never wait for each other on it). Old rows are pruned.
    """

    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("publik ändring")
        verbose_name_plural = _("publika ändringar")

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M:%S}"
