"""Events, activations, status reports, fuel deliveries, logbook, checklists.

Write only through :mod:`sot.operations.services`. Status reports, state changes,
confirmations, deliveries, log entries and checklist ticks are append-only: nothing
updates or deletes them, except deleting a whole exercise.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sot.accounts.policy import Scope
from sot.config.choices import text_choices
from sot.operations.core import vocabulary as vocab

USER = settings.AUTH_USER_MODEL


# The vocabularies are defined once in sot.operations.core.vocabulary.
EventKind = text_choices(vocab.EventKind, module=__name__)
Severity = text_choices(vocab.Severity, module=__name__)
State = text_choices(vocab.PointState, name="State", module=__name__)
Source = text_choices(vocab.Source, module=__name__)
PowerSource = text_choices(vocab.PowerSource, module=__name__)
Availability = text_choices(vocab.Availability, module=__name__)
PaymentMethod = text_choices(vocab.PaymentMethod, module=__name__)
Queue = text_choices(vocab.Queue, module=__name__)
FUEL_PRODUCT_KEYS = vocab.FUEL_PRODUCT_KEYS
PAYMENT_METHOD_KEYS = vocab.PAYMENT_METHOD_KEYS


class Received(models.Model):
    """What every record an operator makes carries, so it survives a dead network.

    ``uid`` is made by the client (the phone, the box or the server form) when the
    operator acts; the server stores a uid once and answers a repeat with the record
    it already has. The record's own time field is the time of the observation (for a
    status report :attr:`StatusReport.observed_at`); ``received_at`` is when this
    server got it. ``clock_offset_s`` is how far the sender's clock was ahead of ours
    when it sent (None when the sender did not say); ``via_box`` names the box the
    record came through (empty: made here).
    """

    uid = models.UUIDField(_("id"), unique=True, default=uuid.uuid4, editable=False)
    received_at = models.DateTimeField(
        _("mottagen"), default=timezone.now, editable=False
    )
    clock_offset_s = models.FloatField(
        _("avsändarens klocka före (s)"), null=True, blank=True, editable=False
    )
    via_box = models.CharField(_("via box"), max_length=100, blank=True)

    class Meta:
        abstract = True


class Event(models.Model):
    """A disruption (or an exercise) in which points are activated."""

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=EventKind.choices)
    is_exercise = models.BooleanField(
        _("övning"), default=False, help_text=_("Märks ÖVNING överallt.")
    )
    county_code = models.CharField(_("länskod"), max_length=2, db_index=True)
    municipalities = models.ManyToManyField(
        "registry.Municipality",
        verbose_name=_("berörda kommuner"),
        related_name="events",
    )
    area = models.JSONField(
        _("område (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("Polygon eller MultiPolygon i WGS84, valfritt."),
    )
    severity = models.CharField(
        _("allvarlighet"),
        max_length=10,
        choices=Severity.choices,
        default=Severity.MODERATE,
    )
    starts_at = models.DateTimeField(_("början"), default=timezone.now)
    ends_at = models.DateTimeField(_("slut"), null=True, blank=True)
    decided_by = models.CharField(
        _("beslutad av"),
        max_length=200,
        blank=True,
        help_text=_("Vem som beslutade, t.ex. namn och funktion."),
    )
    description = models.TextField(_("beskrivning (intern)"), blank=True)
    public_message = models.TextField(
        _("meddelande till allmänheten"),
        blank=True,
        help_text=_("Visas på den publika sidan och i flöden."),
    )
    stale_after_minutes = models.PositiveIntegerField(
        _("rapport inaktuell efter (minuter)"),
        null=True,
        blank=True,
        help_text=_("Tomt: standardvärdet SOT_STALE_AFTER_MINUTES."),
    )
    external_ref = models.CharField(
        _("extern referens"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. varningens id när händelsen skapades från ett förslag."),
    )
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("skapad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return f"ÖVNING: {self.name}" if self.is_exercise else self.name

    def policy_scope(self) -> Scope:
        """An event spans municipalities: an officer acts on it if it includes theirs,
        an operator if one of their points is activated in it."""
        from_point = Activation._meta.get_field("point").related_model
        return Scope(
            county_code=self.county_code,
            municipalities=self.municipalities.all(),
            points=from_point.objects.filter(activations__event=self),
        )

    def is_running(self, at=None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)


class Activation(models.Model):
    """A point within an event, with its current state (history in StateChange)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="activations"
    )
    point = models.ForeignKey(
        "registry.Point", on_delete=models.PROTECT, related_name="activations"
    )
    state = models.CharField(_("läge"), max_length=12, choices=State.choices)
    state_reason = models.CharField(_("orsak"), max_length=300, blank=True)
    state_changed_at = models.DateTimeField(_("läget ändrat"), default=timezone.now)
    activated_at = models.DateTimeField(_("aktiverad"), default=timezone.now)
    activated_by = models.ForeignKey(
        USER,
        verbose_name=_("aktiverad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_report = models.ForeignKey(
        "StatusReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_seen_at = models.DateTimeField(
        _("senaste livstecken"),
        null=True,
        blank=True,
        help_text=_("Senaste rapport eller bekräftelse ”fortfarande aktuell”."),
    )
    # Real before exercise: an exercise activation is set aside while a real event
    # has the point; nothing of it reaches the public until it is resumed.
    suspended_at = models.DateTimeField(_("vilande sedan"), null=True, blank=True)
    suspended_for = models.ForeignKey(
        Event,
        verbose_name=_("vilande för"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Den verkliga händelse som tog punkten under övningen."),
    )
    # Fuel bookkeeping: the last known level, when, and at which load.
    fuel_level_l = models.FloatField(_("bränslenivå (l)"), null=True, blank=True)
    fuel_level_at = models.DateTimeField(_("bränslenivå tid"), null=True, blank=True)
    load_pct = models.FloatField(_("last (%)"), null=True, blank=True)
    # Opening hours during the event (sot.public.core.hours): "" = every day,
    # ISO date = that day; normal forms such as "08:00-20:00". Set through
    # services.set_opening_hours; they end with the event.
    opening_hours = models.JSONField(_("öppettider"), default=dict, blank=True)

    class Meta:
        verbose_name = _("aktivering")
        verbose_name_plural = _("aktiveringar")
        ordering = ["point__municipality__code", "point__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "point"], name="unique_activation")
        ]

    def __str__(self) -> str:
        return f"{self.point} i {self.event}"

    def policy_scope(self) -> Scope:
        return self.point.policy_scope()


class ActivationRest(models.Model):
    """A time an exercise activation rested because a real event had the point
    (append-only: started when set aside, ended when the real event ended). The
    public history of the exercise (its CAP chain) reads it: the chain is
    cancelled when the rest starts and begins again when it ends."""

    activation = models.ForeignKey(
        Activation, on_delete=models.CASCADE, related_name="rests"
    )
    real_event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vila i övning")
        verbose_name_plural = _("vilor i övning")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.activation_id}: {self.started_at:%Y-%m-%d %H:%M}"

    def covers(self, at) -> bool:
        return self.started_at <= at and (self.ended_at is None or at < self.ended_at)


class StateChange(models.Model):
    """One change of a point's state within an event (append-only)."""

    activation = models.ForeignKey(
        Activation, on_delete=models.CASCADE, related_name="state_changes"
    )
    previous = models.CharField(max_length=12, choices=State.choices, blank=True)
    state = models.CharField(max_length=12, choices=State.choices)
    reason = models.CharField(max_length=300, blank=True)
    automatic = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    report = models.ForeignKey(
        "StatusReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lägesändring")
        verbose_name_plural = _("lägesändringar")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.previous or '–'} → {self.state} {self.at:%Y-%m-%d %H:%M}"


class StatusReport(Received):
    """What works at a point at one moment (append-only, never edited)."""

    activation = models.ForeignKey(
        Activation, on_delete=models.CASCADE, related_name="reports"
    )
    observed_at = models.DateTimeField(
        _("observerad"), default=timezone.now, db_index=True
    )
    reported_by = models.ForeignKey(
        USER,
        verbose_name=_("rapportör"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_name = models.CharField(_("rapportörens namn"), max_length=200, blank=True)
    source = models.CharField(_("via"), max_length=10, choices=Source.choices)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Den rapport formuläret utgick från."),
    )
    state = models.CharField(_("läge"), max_length=12, choices=State.choices)
    state_reason = models.CharField(_("orsak"), max_length=300, blank=True)
    power_source = models.CharField(
        _("strömkälla"), max_length=10, choices=PowerSource.choices, blank=True
    )
    services = models.JSONField(
        _("tjänster"),
        default=dict,
        blank=True,
        help_text=_("{tjänstekod: yes|limited|no|unknown}"),
    )
    fuel_products = models.JSONField(
        _("drivmedel"),
        default=dict,
        blank=True,
        help_text=_("{diesel|petrol|hvo100|other: yes|limited|no|unknown}"),
    )
    payment_methods = models.JSONField(
        _("betalsätt som fungerar"),
        default=list,
        blank=True,
        help_text=_("[card, cash, swish, invoice]: de betalsätt som fungerar."),
    )
    indoor_temp_c = models.FloatField(
        _("inomhustemperatur (°C)"), null=True, blank=True
    )
    people_present = models.PositiveIntegerField(
        _("personer på plats"), null=True, blank=True
    )
    capacity_people = models.PositiveIntegerField(
        _("kapacitet (personer)"), null=True, blank=True
    )
    queue = models.CharField(_("kö"), max_length=10, choices=Queue.choices, blank=True)
    generator_fuel_l = models.FloatField(
        _("bränsle i tanken (l)"), null=True, blank=True
    )
    generator_fuel_pct = models.FloatField(
        _("bränsle i tanken (%)"), null=True, blank=True
    )
    generator_load_pct = models.FloatField(
        _("elverkets last (%)"), null=True, blank=True
    )
    needs_fuel = models.BooleanField(_("behöver bränsle"), default=False)
    needs_staff = models.BooleanField(_("behöver personal"), default=False)
    needs_supplies = models.BooleanField(_("behöver förnödenheter"), default=False)
    needs_text = models.CharField(_("behov, detaljer"), max_length=300, blank=True)
    note = models.TextField(_("kommentar (intern)"), blank=True)
    public_note = models.CharField(
        _("meddelande till allmänheten"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("lägesrapport från punkt")
        verbose_name_plural = _("lägesrapporter från punkter")
        ordering = ["-observed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.activation.point} {self.observed_at:%Y-%m-%d %H:%M} {self.state}"

    def policy_scope(self) -> Scope:
        return self.activation.point.policy_scope()

    def needs(self) -> list[str]:
        """Swedish list of the needs this report names."""
        out = []
        if self.needs_fuel:
            out.append(str(_("bränsle")))
        if self.needs_staff:
            out.append(str(_("personal")))
        if self.needs_supplies:
            out.append(str(_("förnödenheter")))
        if self.needs_text:
            out.append(self.needs_text)
        return out


class ReportConfirmation(Received):
    """ "Still current": someone re-confirmed a report without changing it."""

    report = models.ForeignKey(
        StatusReport, on_delete=models.CASCADE, related_name="confirmations"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)

    class Meta:
        verbose_name = _("bekräftelse")
        verbose_name_plural = _("bekräftelser")
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.confirmed_at:%Y-%m-%d %H:%M}"


class FuelDelivery(Received):
    """Fuel delivered to a point's generator tank during an event (append-only)."""

    activation = models.ForeignKey(
        Activation, on_delete=models.CASCADE, related_name="deliveries"
    )
    delivered_at = models.DateTimeField(_("levererat"), default=timezone.now)
    delivered_l = models.FloatField(_("levererat (l)"))
    supplier = models.CharField(_("leverantör"), max_length=200, blank=True)
    level_before_l = models.FloatField(_("nivå före (l)"), null=True, blank=True)
    level_after_l = models.FloatField(_("nivå efter (l)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    note = models.CharField(_("kommentar"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bränsleleverans")
        verbose_name_plural = _("bränsleleveranser")
        ordering = ["-delivered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivered_l:g} l {self.delivered_at:%Y-%m-%d %H:%M}"


LogKind = text_choices(vocab.LogKind, module=__name__)


class LogEntry(Received):
    """One line in an event's logbook (append-only)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="log")
    point = models.ForeignKey(
        "registry.Point",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("tid"), default=timezone.now, db_index=True)
    kind = models.CharField(_("typ"), max_length=12, choices=LogKind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("av"), max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("loggbok")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text[:60]}"


class SituationReport(models.Model):
    """A lägesrapport as it was sent (kept so the next one starts where it ended)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sitreps")
    number = models.PositiveIntegerField(_("nummer"))
    as_of = models.DateTimeField(_("tidpunkt"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    markdown = models.TextField()

    class Meta:
        verbose_name = _("lägesrapport")
        verbose_name_plural = _("lägesrapporter")
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "number"], name="unique_sitrep_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} nr {self.number}"


class ChecklistKind(models.TextChoices):
    ACTIVATION = "activation", _("Aktivering")
    GENERATOR_TEST = "generator_test", _("Månatlig provkörning av elverk")


class ChecklistTemplate(models.Model):
    """A checklist a municipality edits; no municipality = the default for all."""

    municipality = models.ForeignKey(
        "registry.Municipality",
        verbose_name=_("kommun"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checklist_templates",
    )
    kind = models.CharField(_("typ"), max_length=20, choices=ChecklistKind.choices)
    name = models.CharField(_("namn"), max_length=200)
    active = models.BooleanField(_("i bruk"), default=True)
    items = models.JSONField(
        _("punkter"), default=list, help_text=_("En rad per punkt, i ordning.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("checklistmall")
        verbose_name_plural = _("checklistmallar")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        if self.municipality is None:
            return Scope(county_code="")
        return self.municipality.policy_scope()


class TestResult(models.TextChoices):
    PASSED = "passed", _("Godkänd")
    FAILED = "failed", _("Fel upptäckt")


class Checklist(models.Model):
    """A checklist for one point: on activation, or a monthly generator test-run."""

    point = models.ForeignKey(
        "registry.Point", on_delete=models.PROTECT, related_name="checklists"
    )
    activation = models.ForeignKey(
        Activation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checklists",
    )
    kind = models.CharField(_("typ"), max_length=20, choices=ChecklistKind.choices)
    name = models.CharField(_("namn"), max_length=200)
    template = models.ForeignKey(
        ChecklistTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(
        _("resultat"), max_length=10, choices=TestResult.choices, blank=True
    )
    result_note = models.CharField(_("anmärkning"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("checklista")
        verbose_name_plural = _("checklistor")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} – {self.point}"

    def policy_scope(self) -> Scope:
        return self.point.policy_scope()


class ChecklistItem(models.Model):
    """One item of a checklist, copied from its template; ticked once, by whom, when."""

    checklist = models.ForeignKey(
        Checklist, on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The client-made id of the tick and when this server received it.
    done_uid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    done_received_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["checklist", "order"]

    def __str__(self) -> str:
        return self.text


class Readiness(models.Model):
    """A point's readiness from its latest generator test-run."""

    point = models.OneToOneField(
        "registry.Point", on_delete=models.CASCADE, related_name="readiness"
    )
    last_test_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(
        max_length=10, choices=TestResult.choices, blank=True
    )
    note = models.CharField(max_length=300, blank=True)
    checklist = models.ForeignKey(
        Checklist, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("beredskap")
        verbose_name_plural = _("beredskap")

    def __str__(self) -> str:
        return f"{self.point}: {self.last_result or '–'}"

    def is_ready(self, now=None) -> bool:
        """Ready: the last test passed and is at most 35 days old."""
        now = now or timezone.now()
        return (
            self.last_result == TestResult.PASSED
            and self.last_test_at is not None
            and (now - self.last_test_at).days <= 35
        )
