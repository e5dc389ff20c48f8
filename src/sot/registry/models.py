"""The register: counties, municipalities, organisations, points, services, backup power."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sot.accounts.policy import Scope
from sot.config.choices import text_choices
from sot.geo import crs
from sot.operations.core import fuel
from sot.vocabulary import FuelProduct, JobState


class County(models.Model):
    """A county (län), identified by SCB's two-digit code."""

    code = models.CharField(
        _("länskod"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^\d{2}$", _("Länskoden är två siffror."))],
    )
    name = models.CharField(_("namn"), max_length=100)
    boundary = models.JSONField(_("gräns (GeoJSON)"), null=True, blank=True)
    # What residents can fall back on when the network fails (notices, point pages).
    crisis_radio = models.CharField(
        _("radio vid kris"),
        max_length=100,
        blank=True,
        help_text=_(
            "Den lokala P4-kanalen och frekvensen, t.ex. P4 Jämtland 100,4 MHz."
        ),
    )
    info_number = models.CharField(
        _("informationsnummer"),
        max_length=20,
        default="113 13",
        blank=True,
        help_text=_("Nummer för information vid olyckor och kriser."),
    )
    emergency_number = models.CharField(
        _("nödnummer"), max_length=20, default="112", blank=True
    )
    sms_number = models.CharField(
        _("SMS-nummer för invånare"),
        max_length=20,
        blank=True,
        help_text=_("Numret dit invånare skickar SOT och sin ort."),
    )

    class Meta:
        verbose_name = _("län")
        verbose_name_plural = _("län")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Municipality(models.Model):
    """A municipality (kommun), identified by SCB's four-digit code."""

    code = models.CharField(
        _("kommunkod"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunkoden är fyra siffror."))],
    )
    name = models.CharField(_("namn"), max_length=100)
    county_code = models.CharField(_("länskod"), max_length=2, db_index=True)
    boundary = models.JSONField(
        _("gräns (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("Polygon eller MultiPolygon i WGS84."),
    )
    population = models.PositiveIntegerField(_("folkmängd"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("folkmängd år"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def policy_scope(self) -> Scope:
        return Scope(county_code=self.county_code, municipality_id=self.pk)


class OrganisationKind(models.TextChoices):
    COUNTY_BOARD = "county_board", _("Länsstyrelse")
    MUNICIPALITY = "municipality", _("Kommun")
    STORE = "store", _("Företag: livsmedelsbutik")
    FUEL_STATION = "fuel_station", _("Företag: drivmedelsstation")
    VOLUNTEER_GROUP = "volunteer_group", _("Frivillig resursgrupp (FRG)")
    RESCUE_SERVICE = "rescue_service", _("Räddningstjänst")
    OTHER = "other", _("Annan")


class Organisation(models.Model):
    """An organisation with a part in a point: authority, business, volunteer group."""

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=32, choices=OrganisationKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    county_code = models.CharField(_("länskod"), max_length=2, db_index=True)
    org_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    notes = models.TextField(_("anteckningar (intern)"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        return Scope(county_code=self.county_code, municipality_id=self.municipality_id)


class Contact(models.Model):
    """A person or function at an organisation; public or internal, flag by flag."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("namn"), max_length=200)
    title = models.CharField(_("funktion"), max_length=200, blank=True)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    is_public = models.BooleanField(
        _("publik"),
        default=False,
        help_text=_("Visas för allmänheten på punktens sida och anslag."),
    )

    class Meta:
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"

    def policy_scope(self) -> Scope:
        return self.organisation.policy_scope()


class Lifecycle(models.TextChoices):
    PLANNED = "planned", _("Planerad")
    APPROVED = "approved", _("Beslutad")
    ESTABLISHED = "established", _("Etablerad")
    DECOMMISSIONED = "decommissioned", _("Avvecklad")


#: Lifecycles the public may see (planned points are internal, decommissioned gone).
PUBLIC_LIFECYCLES = (Lifecycle.APPROVED, Lifecycle.ESTABLISHED)


class ServiceCategory(models.TextChoices):
    FOOD = "food", _("Livsmedel")
    FUEL = "fuel", _("Drivmedel")
    HEAT = "heat", _("Värme")
    POWER = "power", _("El och laddning")
    WATER = "water", _("Vatten och sanitet")
    INFORMATION = "information", _("Information och samband")
    HEALTH = "health", _("Hälsa")
    PAYMENT = "payment", _("Betalning")
    OTHER = "other", _("Annan samhällsservice")


class Service(models.Model):
    """A kind of help a point can offer. National entries have no municipality;
    a municipality adds its own ("other public service functions") as data."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name_sv = models.CharField(_("namn (svenska)"), max_length=100)
    name_en = models.CharField(_("namn (engelska)"), max_length=100)
    category = models.CharField(
        _("kategori"), max_length=20, choices=ServiceCategory.choices
    )
    has_capacity = models.BooleanField(
        _("har kapacitet i personer"),
        default=False,
        help_text=_("T.ex. värmestuga: hur många personer ryms."),
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_services",
        help_text=_("Tom för tjänster i den nationella katalogen."),
    )
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=100)

    class Meta:
        verbose_name = _("tjänst")
        verbose_name_plural = _("tjänster")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_sv

    def policy_scope(self) -> Scope:
        if self.municipality is None:
            return Scope(county_code="")
        return self.municipality.policy_scope()


class Point(models.Model):
    """A SOT-punkt: a place in a village that keeps running on backup power."""

    slug = models.SlugField(
        _("id"),
        max_length=64,
        unique=True,
        help_text=_("Stabil identitet i adresser och flöden, t.ex. kall. Ändras inte."),
    )
    name = models.CharField(_("namn"), max_length=200)
    village = models.CharField(_("ort"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        related_name="points",
    )
    lat = models.FloatField(_("latitud (WGS84)"))
    lon = models.FloatField(_("longitud (WGS84)"))
    address = models.CharField(_("adress"), max_length=200, blank=True)
    postcode = models.CharField(_("postnummer"), max_length=6, blank=True)
    lifecycle = models.CharField(
        _("skede"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.PLANNED
    )
    planned_on = models.DateField(_("planerad"), null=True, blank=True)
    approved_on = models.DateField(_("beslutad"), null=True, blank=True)
    established_on = models.DateField(_("etablerad"), null=True, blank=True)
    decommissioned_on = models.DateField(_("avvecklad"), null=True, blank=True)
    store_name = models.CharField(_("butik"), max_length=200, blank=True)
    store_chain = models.CharField(_("butikskedja"), max_length=100, blank=True)
    fuel_station_name = models.CharField(
        _("drivmedelsstation"), max_length=200, blank=True
    )
    fuel_station_chain = models.CharField(
        _("drivmedelskedja"), max_length=100, blank=True
    )
    store_to_fuel_m = models.PositiveIntegerField(
        _("avstånd butik–station (m)"), null=True, blank=True
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ansvarig organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_for",
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("kontakter"), blank=True, related_name="points"
    )
    public_description = models.TextField(_("beskrivning (publik)"), blank=True)
    opening_arrangements = models.TextField(_("öppethållande vid störning"), blank=True)
    accessibility_notes = models.TextField(_("tillgänglighet"), blank=True)
    internal_notes = models.TextField(_("anteckningar (intern)"), blank=True)
    services = models.ManyToManyField(
        Service,
        verbose_name=_("tjänster"),
        through="PointService",
        blank=True,
        related_name="points",
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("SOT-punkt")
        verbose_name_plural = _("SOT-punkter")
        ordering = ["municipality__code", "name"]

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        return Scope(
            county_code=self.municipality.county_code,
            municipality_id=self.municipality_id,
            point_id=self.pk,
        )

    @property
    def sweref99tm(self) -> tuple[float, float]:
        """(easting, northing) in SWEREF 99 TM, metres."""
        return crs.to_sweref99tm(self.lon, self.lat)


#: A point's services in the order they were added and its contacts by
#: organisation and name (the id breaks ties): the same in every output, the API
#: and the public pages alike, whichever way they read them (the database's own
#: order of the services changed when one was updated, on PostgreSQL).
SERVICE_ORDER = ("pk",)
CONTACT_ORDER = ("organisation__name", "name", "pk")


class PointService(models.Model):
    """That a point offers a service, with its capacity where that applies."""

    point = models.ForeignKey(
        Point, on_delete=models.CASCADE, related_name="point_services"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="point_services"
    )
    capacity_people = models.PositiveIntegerField(
        _("kapacitet (personer)"), null=True, blank=True
    )
    notes = models.CharField(_("anmärkning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tjänst vid punkten")
        verbose_name_plural = _("tjänster vid punkten")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "service"], name="unique_point_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point}: {self.service}"


# The fuel products are defined once, in sot.vocabulary.FuelProduct.
FuelType = text_choices(FuelProduct, name="FuelType", module=__name__)


class BackupPower(models.Model):
    """The point's generator and what it powers."""

    point = models.OneToOneField(
        Point, on_delete=models.CASCADE, related_name="backup_power"
    )
    generator_kva = models.DecimalField(
        _("generator (kVA)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    fuel_type = models.CharField(
        _("bränsle"), max_length=10, choices=FuelType.choices, default=FuelType.DIESEL
    )
    tank_l = models.PositiveIntegerField(
        _("tank (liter)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    consumption_25_l_per_h = models.FloatField(
        _("förbrukning 25 % (l/h)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    consumption_50_l_per_h = models.FloatField(
        _("förbrukning 50 % (l/h)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    consumption_75_l_per_h = models.FloatField(
        _("förbrukning 75 % (l/h)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    consumption_100_l_per_h = models.FloatField(
        _("förbrukning 100 % (l/h)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    connected_loads = models.CharField(
        _("anslutna laster"),
        max_length=300,
        blank=True,
        help_text=_("T.ex. butik, drivmedelspumpar, skolans matsal."),
    )
    heater_kw = models.DecimalField(
        _("värmare (kW)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    quick_connect = models.BooleanField(
        _("snabbkoppling för mobilt reservkraftverk"), default=False
    )
    last_test_run_on = models.DateField(_("senaste provkörning"), null=True, blank=True)
    notes = models.TextField(_("anteckningar"), blank=True)

    class Meta:
        verbose_name = _("reservkraft")
        verbose_name_plural = _("reservkraft")

    def __str__(self) -> str:
        return f"{self.point}: {self.generator_kva or '?'} kVA"

    def policy_scope(self) -> Scope:
        return self.point.policy_scope()

    def curve(self) -> fuel.ConsumptionCurve | None:
        """The consumption curve, or None when no figure is entered."""
        values = {
            25: self.consumption_25_l_per_h,
            50: self.consumption_50_l_per_h,
            75: self.consumption_75_l_per_h,
            100: self.consumption_100_l_per_h,
        }
        return fuel.curve_of(values)

    def hours_on_full_tank(self, load_pct: float = 50) -> float | None:
        """Hours of running on a full tank at `load_pct` load, if the data allows."""
        curve = self.curve()
        if curve is None or not self.tank_l:
            return None
        return fuel.hours_on_full_tank(
            tank_l=self.tank_l, curve=curve, load_pct=load_pct
        )


class ChangeRecord(models.Model):
    """One change to the register: who, when, through what, and before/after per field."""

    class Action(models.TextChoices):
        CREATE = "create", _("skapad")
        UPDATE = "update", _("ändrad")
        DELETE = "delete", _("borttagen")

    model = models.CharField(_("typ"), max_length=60, db_index=True)
    object_id = models.CharField(_("objekt"), max_length=64, db_index=True)
    object_repr = models.CharField(_("namn"), max_length=200)
    action = models.CharField(_("åtgärd"), max_length=10, choices=Action.choices)
    changes = models.JSONField(
        _("ändringar"), default=dict, help_text=_("{fält: [före, efter]}")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("via"), max_length=20, default="admin")
    at = models.DateTimeField(_("tid"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("ändringshistorik")
        verbose_name_plural = _("ändringshistorik")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.object_repr} {self.get_action_display()}"
        )


class ImportJob(models.Model):
    """One import (points, or a municipality's roster) run by the task worker.

    The request stores the file and returns at once; the worker reads and writes it
    in short transactions and keeps ``rows_done``/``rows_total`` and the errors (by
    row and field) here, so the import's page can show how far it got.
    """

    class Kind(models.TextChoices):
        POINTS = "points", _("SOT-punkter")
        ROSTER = "roster", _("personer (FRG och personal)")

    # The job states are defined once, in sot.vocabulary.JobState.
    State = text_choices(JobState, name="State", module=__name__)

    class Phase(models.TextChoices):
        READ = "read", _("läser filen")
        CHECK = "check", _("kontrollerar rader")
        WRITE = "write", _("sparar rader")

    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    state = models.CharField(
        _("läge"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    phase = models.CharField(
        _("steg"), max_length=10, choices=Phase.choices, blank=True
    )
    filename = models.CharField(_("fil"), max_length=200)
    data = models.BinaryField(_("filens innehåll"), editable=False, default=b"")
    options = models.JSONField(_("val"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    rows_total = models.PositiveIntegerField(_("rader totalt"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rader klara"), default=0)
    errors = models.JSONField(
        _("fel"), default=list, blank=True, help_text=_("[[rad, fält, meddelande]]")
    )
    result = models.JSONField(_("resultat"), default=dict, blank=True)
    cancel_requested = models.BooleanField(_("avbrott begärt"), default=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    updated_at = models.DateTimeField(_("senast ändrad"), default=timezone.now)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.filename} ({self.get_state_display()})"
        )

    @property
    def finished(self) -> bool:
        return self.state in (
            self.State.DONE,
            self.State.FAILED,
            self.State.CANCELLED,
        )

    @property
    def percent(self) -> int:
        """How far the whole job is, both passes counted (0-100)."""
        if not self.rows_total:
            return 100 if self.finished else 0
        passes = 2 if self.kind == self.Kind.POINTS else 1
        done = self.rows_done + (
            self.rows_total if self.phase == self.Phase.WRITE and passes == 2 else 0
        )
        return min(100, int(100 * done / (self.rows_total * passes)))
