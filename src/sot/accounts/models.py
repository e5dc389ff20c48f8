"""Users with a role and a scope, and API tokens for machine clients."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_COORDINATOR = "county_coordinator", _("Länssamordnare (länsstyrelsen)")
    MUNICIPAL_OFFICER = "municipal_officer", _("Beredskapshandläggare (kommun)")
    POINT_OPERATOR = "point_operator", _("Operatör vid SOT-punkt")
    NATIONAL = "national", _("Nationell läsbehörighet (MSB)")
    PUBLIC = "public", _("Allmänhet (endast publika uppgifter)")


class User(AbstractUser):
    """A person who signs in. The role says what they may do, the scope where."""

    role = models.CharField(
        _("roll"), max_length=32, choices=Role.choices, default=Role.PUBLIC
    )
    county_code = models.CharField(
        _("länskod"),
        max_length=2,
        blank=True,
        help_text=_("För länssamordnare: länets tvåsiffriga kod, t.ex. 23."),
    )
    municipality = models.ForeignKey(
        "registry.Municipality",
        verbose_name=_("kommun"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        help_text=_("För kommunens beredskapshandläggare."),
    )
    points = models.ManyToManyField(
        "registry.Point",
        verbose_name=_("SOT-punkter"),
        blank=True,
        related_name="operators",
        help_text=_("För operatörer: de punkter de driver."),
    )
    phone = models.CharField(_("telefon"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for a machine client; acts with its user's role and scope.

    Only a hash is stored; the token itself is shown once when it is created.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("namn"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("återkallad"), default=False)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with the secret, which is not stored."""
        prefix = secrets.token_hex(4)
        secret = f"sot_{prefix}_{secrets.token_urlsafe(24)}"
        token = cls.objects.create(
            user=user, name=name, prefix=prefix, key_hash=_hash(secret)
        )
        return token, secret

    @classmethod
    def authenticate(cls, secret: str) -> User | None:
        """The active user behind a token secret, or None."""
        parts = secret.split("_")
        if len(parts) < 3 or parts[0] != "sot":
            return None
        token = (
            cls.objects.select_related("user")
            .filter(prefix=parts[1], revoked=False)
            .first()
        )
        if token is None or not secrets.compare_digest(token.key_hash, _hash(secret)):
            return None
        if not token.user.is_active:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user
