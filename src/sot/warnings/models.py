"""Warnings in: the sources polled and their health, stored messages with their areas,
references and matches, editable suggestion rules, and suggestions to officers.

A suggestion never activates anything: it is shown to the municipal officer, who
decides (raise readiness, open an event, or dismiss).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sot.accounts.policy import Scope
from sot.config.choices import text_choices
from sot.warnings.core.model import Format, Hazard, Level, MsgType, Source, Status

USER = settings.AUTH_USER_MODEL


# The vocabularies are defined once in sot.warnings.core.model.
SourceKind = text_choices(Source, name="SourceKind", module=__name__)


WarningFormat = text_choices(Format, name="WarningFormat", module=__name__)


MsgTypeChoice = text_choices(MsgType, name="MsgTypeChoice", module=__name__)
StatusChoice = text_choices(Status, name="StatusChoice", module=__name__)
LevelChoice = text_choices(Level, name="LevelChoice", module=__name__)
HazardChoice = text_choices(Hazard, name="HazardChoice", module=__name__)


class WarningSource(models.Model):
    """A live source of warnings that sot polls (SMHI, Krisinformation, VMA, CAP, an
    outage map), with what it remembers and how healthy it is. "Feed" in sot means
    only what it publishes (sot.public)."""

    slug = models.SlugField(_("kortnamn"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    format = models.CharField(_("format"), max_length=30, choices=WarningFormat.choices)
    url = models.URLField(_("adress"), max_length=500)
    enabled = models.BooleanField(_("aktiv"), default=True)
    interval_s = models.PositiveIntegerField(
        _("intervall (sekunder)"),
        null=True,
        blank=True,
        help_text=_("Tomt: inställningens standardvärde för formatet."),
    )
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    failures = models.PositiveIntegerField(_("fel i följd"), default=0, editable=False)
    retry_at = models.DateTimeField(_("nästa försök"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("senaste försök"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("senast lyckad"), null=True, blank=True)
    last_error_at = models.DateTimeField(_("senaste fel"), null=True, blank=True)
    last_error = models.TextField(_("felorsak"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    data_as_of = models.DateTimeField(
        _("data hämtade"),
        null=True,
        blank=True,
        help_text=_("När det senaste godkända dokumentet hämtades."),
    )
    last_document_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("varningskälla")
        verbose_name_plural = _("varningskällor")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def health(self, *, now: datetime, interval_s: int, stale_after_s: int) -> str:
        """``ok``, ``failing`` (the last attempt failed), ``stale`` or ``never``.

        Data is stale when the last success is older than ``stale_after_s`` or
        three intervals, whichever is longer.
        """
        if self.last_success_at is None:
            return "failing" if self.last_error_at else "never"
        if self.last_error_at and self.last_error_at >= self.last_success_at:
            return "failing"
        limit = timedelta(seconds=max(stale_after_s, 3 * interval_s))
        if now - self.last_success_at > limit:
            return "stale"
        return "ok"


class MessageState(models.TextChoices):
    IN_FORCE = "in_force", _("Gäller")
    REPLACED = "replaced", _("Ersatt")
    CANCELLED = "cancelled", _("Upphävd")
    ENDED = "ended", pgettext_lazy("warning state", "Avslutad")
    EXPIRED = "expired", _("Utgången")


class WarningMessage(models.Model):
    """One stored warning message (see :class:`sot.warnings.core.model.Message`)."""

    source = models.CharField(_("källa"), max_length=20, choices=SourceKind.choices)
    identifier = models.CharField(_("id"), max_length=255)
    polled_from = models.ForeignKey(
        WarningSource,
        verbose_name=_("hämtad från varningskälla"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    format = models.CharField(_("format"), max_length=30, choices=WarningFormat.choices)
    sender = models.CharField(_("avsändare"), max_length=1000, blank=True)
    sent = models.DateTimeField(_("utfärdad"))
    msg_type = models.CharField(
        _("meddelandetyp"), max_length=10, choices=MsgTypeChoice.choices
    )
    status = models.CharField(_("status"), max_length=10, choices=StatusChoice.choices)
    event_code = models.CharField(_("händelsekod"), max_length=1000, blank=True)
    hazard = models.CharField(_("typ"), max_length=20, choices=HazardChoice.choices)
    level = models.CharField(
        _("nivå"), max_length=10, choices=LevelChoice.choices, blank=True
    )
    severity = models.CharField(_("allvarlighet (CAP)"), max_length=1000, blank=True)
    headline_sv = models.CharField(_("rubrik"), max_length=1000, blank=True)
    headline_en = models.CharField(_("rubrik (engelska)"), max_length=1000, blank=True)
    description_sv = models.TextField(_("beskrivning"), blank=True)
    description_en = models.TextField(_("beskrivning (engelska)"), blank=True)
    instruction_sv = models.TextField(_("råd"), blank=True)
    instruction_en = models.TextField(_("råd (engelska)"), blank=True)
    onset = models.DateTimeField(_("gäller från"), null=True, blank=True)
    expires = models.DateTimeField(_("gäller till"), null=True, blank=True)
    web = models.CharField(_("webb"), max_length=1000, blank=True)
    customers_affected = models.PositiveIntegerField(
        _("kunder utan ström"), null=True, blank=True
    )
    restoration_expected = models.DateTimeField(
        _("beräknad återställning"), null=True, blank=True
    )
    state = models.CharField(
        _("läge"),
        max_length=10,
        choices=MessageState.choices,
        default=MessageState.IN_FORCE,
        db_index=True,
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("ersatt av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    ended_at = models.DateTimeField(_("upphörde"), null=True, blank=True)
    ended_reason = models.CharField(_("varför"), max_length=200, blank=True)
    keep_after_expiry = models.BooleanField(
        _("gäller tills vidare"),
        default=False,
        help_text=_(
            "Ett manuellt importerat, redan utgånget dokument (övning, återuppspelning) "
            "gäller tills det upphävs eller avslutas för hand."
        ),
    )
    imported_via = models.CharField(_("inläst via"), max_length=10)
    imported_by = models.ForeignKey(
        USER,
        verbose_name=_("inläst av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("inläst"), default=timezone.now)
    municipalities = models.ManyToManyField(
        "registry.Municipality",
        verbose_name=_("berörda kommuner"),
        blank=True,
        related_name="warnings",
    )
    points = models.ManyToManyField(
        "registry.Point",
        verbose_name=_("berörda SOT-punkter"),
        blank=True,
        related_name="warnings",
    )

    class Meta:
        verbose_name = _("varning")
        verbose_name_plural = _("varningar")
        ordering = ["-sent", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "identifier"], name="feeds_message_unique_identifier"
            )
        ]

    def __str__(self) -> str:
        return self.headline_sv or self.headline_en or self.identifier

    @property
    def headline(self) -> str:
        return self.headline_sv or self.headline_en or self.identifier

    @property
    def is_exercise(self) -> bool:
        return self.status != StatusChoice.ACTUAL


class MessageArea(models.Model):
    message = models.ForeignKey(
        WarningMessage, on_delete=models.CASCADE, related_name="areas"
    )
    description = models.TextField(_("område"), blank=True)
    geometries = models.JSONField(_("geometrier (GeoJSON)"), default=list, blank=True)
    county_codes = models.JSONField(default=list, blank=True)
    municipality_codes = models.JSONField(default=list, blank=True)
    municipality_names = models.JSONField(default=list, blank=True)
    nuts3_codes = models.JSONField(default=list, blank=True)
    localities = models.JSONField(default=list, blank=True)
    postcodes = models.JSONField(default=list, blank=True)
    other_codes = models.JSONField(default=list, blank=True)
    whole_country = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("område")
        verbose_name_plural = _("områden")

    def __str__(self) -> str:
        return self.description[:80] or str(self.pk)


class MessageReference(models.Model):
    message = models.ForeignKey(
        WarningMessage, on_delete=models.CASCADE, related_name="references"
    )
    identifier = models.CharField(max_length=255)
    sender = models.CharField(max_length=1000, blank=True)
    sent = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.identifier


class SuggestedAction(models.TextChoices):
    RAISE_READINESS = "raise_readiness", _("Höj beredskapen vid punkterna")
    OPEN_EVENT = "open_event", _("Öppna en händelse med punkterna")


class SuggestionRule(models.Model):
    """When a message over a point should be put to the municipal officer.

    A rule matches a message when every filled-in condition holds; empty conditions
    match anything. The county edits its rules (a rule with no county applies to
    every county).
    """

    name = models.CharField(_("namn"), max_length=200)
    enabled = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveSmallIntegerField(
        _("ordning"), default=100, help_text=_("Lägre först; första träffen gäller.")
    )
    county_code = models.CharField(
        _("länskod"), max_length=2, blank=True, help_text=_("Tomt: alla län.")
    )
    sources = models.JSONField(
        _("källor"),
        default=list,
        blank=True,
        help_text=_(
            "Lista av källor (smhi, krisinformation, vma, cap, outage); tom: alla."
        ),
    )
    hazards = models.JSONField(
        _("typer"),
        default=list,
        blank=True,
        help_text=_("Lista av typer (wind, snow, power_outage, ...); tom: alla."),
    )
    min_level = models.CharField(
        _("lägsta nivå"),
        max_length=10,
        choices=LevelChoice.choices,
        blank=True,
        help_text=_("Tomt: nivån spelar ingen roll (elavbrott och VMA saknar nivå)."),
    )
    include_exercises = models.BooleanField(
        _("även övningar"),
        default=True,
        help_text=_("Övningsmeddelanden ger förslag märkta ÖVNING."),
    )
    action = models.CharField(
        _("föreslagen åtgärd"),
        max_length=20,
        choices=SuggestedAction.choices,
        default=SuggestedAction.RAISE_READINESS,
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("förslagsregel")
        verbose_name_plural = _("förslagsregler")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        return Scope(county_code=self.county_code)


class SuggestionState(models.TextChoices):
    OPEN = "open", _("Väntar på beslut")
    ACCEPTED = "accepted", pgettext_lazy("suggestion state", "Beslutad")
    DISMISSED = "dismissed", _("Avfärdad")
    CLEARED = "cleared", _("Inaktuell (varningen upphörde)")


class Decision(models.TextChoices):
    READINESS_RAISED = "readiness_raised", _("Beredskapen höjd")
    EVENT_OPENED = "event_opened", _("Händelse öppnad")
    DISMISSED = "dismissed", _("Avfärdad")


class Suggestion(models.Model):
    """A suggestion to one municipality's officer, caused by one message."""

    municipality = models.ForeignKey(
        "registry.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.CASCADE,
        related_name="warning_suggestions",
    )
    message = models.ForeignKey(
        WarningMessage,
        verbose_name=_("orsak"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    rule = models.ForeignKey(
        SuggestionRule,
        verbose_name=_("regel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    action = models.CharField(
        _("föreslagen åtgärd"), max_length=20, choices=SuggestedAction.choices
    )
    points = models.ManyToManyField(
        "registry.Point", verbose_name=_("SOT-punkter"), related_name="suggestions"
    )
    state = models.CharField(
        _("läge"),
        max_length=10,
        choices=SuggestionState.choices,
        default=SuggestionState.OPEN,
        db_index=True,
    )
    is_exercise = models.BooleanField(_("övning"), default=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    decision = models.CharField(
        _("beslut"), max_length=20, choices=Decision.choices, blank=True
    )
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("beslutad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(
        pgettext_lazy("suggestion", "beslutad"), null=True, blank=True
    )
    note = models.TextField(_("anteckning"), blank=True)
    event = models.ForeignKey(
        "operations.Event",
        verbose_name=_("händelse"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="warning_suggestions",
    )
    cause_ended_at = models.DateTimeField(_("orsaken upphörde"), null=True, blank=True)
    cause_updated_at = models.DateTimeField(
        _("orsaken uppdaterad"),
        null=True,
        blank=True,
        help_text=_("När varningen senast uppdaterades efter förslaget."),
    )

    class Meta:
        verbose_name = _("förslag")
        verbose_name_plural = _("förslag")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.message}"

    def policy_scope(self) -> Scope:
        return Scope(
            county_code=self.municipality.county_code,
            municipality_id=self.municipality_id,
        )
