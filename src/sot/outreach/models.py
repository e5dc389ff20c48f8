"""Roster, call-outs, messages (delivery records), inbound SMS and subscriptions.

Personal data (names, phone numbers, e-mail addresses) lives only in this app's
tables, never in the event logbook, so that :func:`sot.outreach.roster.erase_member`
can remove a person completely.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sot import vocabulary
from sot.accounts.policy import Scope
from sot.config.choices import text_choices
from sot.outreach.core.callout import CallOutState, PersonStatus
from sot.outreach.core.gsm import to_gsm7

USER = settings.AUTH_USER_MODEL


class Skill(models.TextChoices):
    FIRST_AID = "first_aid", _("Första hjälpen")
    ELECTRICIAN = "electrician", _("Elektriker")
    GENERATOR = "generator", _("Elverk/reservkraft")
    DRIVER = "driver", _("Förare")
    RADIO = "radio", _("Radio/samband")
    LANGUAGES = "languages", _("Språk")


class Course(models.TextChoices):
    FRG_BASIC = "frg_basic", _("FRG grundutbildning")
    FIRST_AID = "first_aid", _("Första hjälpen / HLR")
    GENERATOR = "generator", _("Elverk: handhavande")
    CRISIS_SUPPORT = "crisis_support", _("Krisstöd")
    RAKEL = "rakel", _("Rakel/samband")


class MemberKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Frivillig")
    STAFF = "staff", _("Personal")


# The languages are defined once, in sot.vocabulary.Language.
Language = text_choices(vocabulary.Language, module=__name__)


class Member(models.Model):
    """A volunteer or staff member in a municipality's roster."""

    municipality = models.ForeignKey(
        "registry.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        related_name="roster",
    )
    group = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("grupp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text=_("T.ex. kommunens frivilliga resursgrupp (FRG)."),
    )
    points = models.ManyToManyField(
        "registry.Point",
        verbose_name=_("SOT-punkter"),
        blank=True,
        related_name="roster",
    )
    kind = models.CharField(
        _("typ"),
        max_length=12,
        choices=MemberKind.choices,
        default=MemberKind.VOLUNTEER,
    )
    name = models.CharField(_("namn"), max_length=200)
    phone = models.CharField(
        _("telefon (E.164)"), max_length=20, blank=True, db_index=True
    )
    email = models.EmailField(_("e-post"), blank=True)
    language = models.CharField(
        _("språk"), max_length=2, choices=Language.choices, default=Language.SV
    )
    skills = models.JSONField(_("färdigheter"), default=list, blank=True)
    spoken_languages = models.JSONField(
        _("talade språk"),
        default=list,
        blank=True,
        help_text=_('ISO 639-1-koder, t.ex. ["en", "ar"].'),
    )
    lat = models.FloatField(_("latitud (WGS84)"), null=True, blank=True)
    lon = models.FloatField(_("longitud (WGS84)"), null=True, blank=True)
    available = models.BooleanField(_("tillgänglig"), default=True)
    availability_note = models.CharField(
        _("tillgänglighet"), max_length=200, blank=True
    )
    user = models.OneToOneField(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roster_entry",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person i rullan")
        verbose_name_plural = _("personer i rullan")
        ordering = ["municipality__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "phone"],
                condition=~models.Q(phone=""),
                name="unique_member_phone_per_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        return Scope(
            county_code=self.municipality.county_code,
            municipality_id=self.municipality_id,
        )


class Training(models.Model):
    """A completed course, with its date."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="trainings"
    )
    course = models.CharField(_("kurs"), max_length=40)
    completed_on = models.DateField(_("genomförd"))

    class Meta:
        verbose_name = _("utbildning")
        verbose_name_plural = _("utbildningar")
        ordering = ["member", "course"]
        constraints = [
            models.UniqueConstraint(fields=["member", "course"], name="unique_training")
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.completed_on}"


def _ref() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(4))


class CallOut(models.Model):
    """A request for N people with given skills, made from an activation."""

    activation = models.ForeignKey(
        "operations.Activation", on_delete=models.CASCADE, related_name="callouts"
    )
    ref = models.CharField(_("referens"), max_length=8, default=_ref, db_index=True)
    needed = models.PositiveSmallIntegerField(_("antal som behövs"))
    skills = models.JSONField(_("färdigheter"), default=list, blank=True)
    factor = models.PositiveSmallIntegerField(_("faktor"), default=3)
    starts_at_text = models.CharField(_("från (text i SMS)"), max_length=11, blank=True)
    state = models.CharField(
        _("läge"),
        max_length=10,
        default=CallOutState.OPEN,
        choices=[(s.value, s.value) for s in CallOutState],
    )
    seq = models.PositiveIntegerField(default=0)
    reminder_after_minutes = models.PositiveIntegerField(_("påminn efter (min)"))
    max_reminders = models.PositiveSmallIntegerField(_("antal påminnelser"), default=1)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("utrop")
        verbose_name_plural = _("utrop")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ref}: {self.needed} till {self.activation.point}"

    def policy_scope(self) -> Scope:
        return self.activation.point.policy_scope()


class Recipient(models.Model):
    """One person asked in a call-out and where their answer stands."""

    callout = models.ForeignKey(
        CallOut, on_delete=models.CASCADE, related_name="recipients"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="callouts"
    )
    rank = models.PositiveSmallIntegerField()
    matched_skills = models.JSONField(default=list, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    status = models.CharField(
        max_length=12,
        default=PersonStatus.PENDING,
        choices=[(s.value, s.value) for s in PersonStatus],
    )
    contacted_at = models.DateTimeField(null=True, blank=True)
    last_asked_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    yes_seq = models.PositiveIntegerField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    seen_messages = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["callout", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["callout", "member"], name="unique_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.callout_id}/{self.rank} {self.status}"


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-post")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("I kö")
    SENDING = "sending", _("Skickas")
    SENT = "sent", _("Skickat")
    DELIVERED = "delivered", _("Levererat")
    FAILED = "failed", _("Misslyckades")
    SUPPRESSED = "suppressed", _("Stoppat (gräns per mottagare)")


class Message(models.Model):
    """An outgoing message and its delivery record."""

    key = models.CharField(
        max_length=300,
        help_text=_("Idempotensnyckel: samma nyckel skickas aldrig två gånger."),
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    backend = models.CharField(max_length=20, blank=True)
    to = models.CharField(_("mottagare"), max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    purpose = models.CharField(max_length=40)
    resident = models.BooleanField(default=False)
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,  # partial index below: residents' alerts have none
    )
    callout = models.ForeignKey(
        CallOut,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
        db_index=False,  # partial index below
    )
    state = models.CharField(
        max_length=12,
        choices=DeliveryState.choices,
        default=DeliveryState.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    provider_id = models.CharField(max_length=64, blank=True)
    provider_status = models.CharField(max_length=40, blank=True)
    provider_answer = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    segments = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        ordering = ["-created_at", "-id"]
        # A large alert inserts 100 000 rows at once, so every index here is one
        # a query needs, and partial where most rows have nothing to find:
        # the key (unique, without PostgreSQL's extra LIKE index that unique=True
        # adds), a recipient's last hour (rate limits, erasure), the newest first
        # (lists), what is due (the sender), what a worker claimed (the reclaim of
        # a worker that died), provider ids (status callbacks), people and
        # call-outs (never set on residents' alerts).
        constraints = [
            models.UniqueConstraint(fields=["key"], name="outreach_message_key_unique")
        ]
        indexes = [
            models.Index(fields=["to", "created_at"], name="outreach_msg_to_created"),
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(state="queued"),
                name="outreach_msg_due",
            ),
            models.Index(
                fields=["sent_at"],
                condition=models.Q(state="sending"),
                name="outreach_msg_claimed",
            ),
            models.Index(
                fields=["provider_id"],
                condition=~models.Q(provider_id=""),
                name="outreach_msg_provider_id",
            ),
            models.Index(
                fields=["member"],
                condition=models.Q(member__isnull=False),
                name="outreach_msg_member",
            ),
            models.Index(
                fields=["callout"],
                condition=models.Q(callout__isnull=False),
                name="outreach_msg_callout",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.purpose} {self.state}"


class InboundSms(models.Model):
    """An SMS received (kept once per provider message id)."""

    provider_id = models.CharField(max_length=64, unique=True)
    sender = models.CharField(max_length=20, db_index=True)
    body = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)
    known_sender = models.BooleanField(default=False)
    kind = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("inkommande SMS")
        verbose_name_plural = _("inkommande SMS")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.kind}"


class SubscriptionState(models.TextChoices):
    PENDING = "pending", _("Väntar på bekräftelse")
    ACTIVE = "active", _("Aktiv")
    STOPPED = "stopped", pgettext_lazy("subscription state", "Avslutad")


def _token() -> str:
    return secrets.token_urlsafe(24)


class ConsentMethod(models.TextChoices):
    """How a resident said yes to alerts (the proof kept with the subscription)."""

    SMS = "sms", _("SMS från numret (START)")
    EMAIL_CONFIRMED = "email_confirmed", _("E-post med bekräftelselänk")
    SIGNED_FORM = "signed_form", _("Undertecknad blankett")


class Subscription(models.Model):
    """A resident who wants to know when a point (or any point in a municipality or
    a county) opens, changes what it offers or closes, and the county's warnings to
    residents. One of point, municipality and county is set."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(_("telefon eller e-post"), max_length=254, db_index=True)
    point = models.ForeignKey(
        "registry.Point",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    municipality = models.ForeignKey(
        "registry.Municipality",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    county = models.ForeignKey(
        "registry.County",
        verbose_name=_("län"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    language = models.CharField(max_length=2, choices=Language.choices, default="sv")
    state = models.CharField(
        max_length=10,
        choices=SubscriptionState.choices,
        default=SubscriptionState.PENDING,
    )
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    consent_method = models.CharField(
        _("samtycke: sätt"),
        max_length=20,
        choices=ConsentMethod.choices,
        blank=True,
    )
    consent_at = models.DateTimeField(_("samtycke: tid"), null=True, blank=True)
    consent_source = models.CharField(
        _("samtycke: källa"),
        max_length=200,
        blank=True,
        help_text=_(
            "Var beviset finns: systemet och posten samtycket kom från, eller "
            "blankettens arkivnummer."
        ),
    )
    consent_text = models.CharField(
        _("samtycke: text eller version"),
        max_length=300,
        blank=True,
        help_text=_("Villkoren invånaren sa ja till, eller deras version."),
    )
    imported_by = models.ForeignKey(
        USER,
        verbose_name=_("importerad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("prenumeration")
        verbose_name_plural = _("prenumerationer")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(point__isnull=False)
                | models.Q(municipality__isnull=False)
                | models.Q(county__isnull=False),
                name="subscription_has_target",
            )
        ]

    def __str__(self) -> str:
        target = self.point or self.municipality or self.county
        return f"{self.channel} {target} {self.state}"

    @property
    def target(self):
        """The point, municipality or county subscribed to."""
        return self.point or self.municipality or self.county

    @property
    def scope_name(self) -> str:
        if self.point_id:
            return self.point.name
        if self.municipality_id:
            return f"{self.municipality.name} (kommun)"
        return self.county.name


class PointNotice(models.Model):
    """What residents were last told about a point in an event (to tell changes only)."""

    activation = models.OneToOneField(
        "operations.Activation", on_delete=models.CASCADE, related_name="notice"
    )
    state = models.CharField(max_length=12, blank=True)
    offers = models.JSONField(default=dict, blank=True)
    seq = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: what the alert number ``seq`` said (its template and time), so that the
    #: sweep can finish a fan-out a stopped worker left half done
    template = models.CharField(max_length=20, blank=True)
    when = models.CharField(max_length=5, blank=True)
    #: the last alert whose fan-out finished
    fanned_out_seq = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.activation_id} {self.state} #{self.seq}"


class ResidentWarning(models.Model):
    """A county's warning to its residents (e.g. "Storm i natt: ladda telefonen"),
    sent to everyone who subscribes to the county, to one of its municipalities or
    to one of its points: one message per address."""

    county = models.ForeignKey(
        "registry.County",
        verbose_name=_("län"),
        on_delete=models.CASCADE,
        related_name="resident_warnings",
    )
    text = models.CharField(_("text"), max_length=300)
    text_en = models.CharField(_("text på engelska"), max_length=300, blank=True)
    exercise = models.BooleanField(_("övning"), default=False)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(_("mottagare"), null=True, blank=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("varning till invånare")
        verbose_name_plural = _("varningar till invånare")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.county.name}: {self.text[:40]}"

    def policy_scope(self) -> Scope:
        return Scope(county_code=self.county.code)

    def sms_text(self, language: str) -> str:
        """The text residents get in ``language`` (English falls back to Swedish)."""
        text = self.text_en if language == "en" and self.text_en else self.text
        prefix = "ÖVNING " if self.exercise else ""  # as the points' alerts
        text = to_gsm7(" ".join(text.split()))
        return f"{prefix}SOT {self.county.name}: {text}"
