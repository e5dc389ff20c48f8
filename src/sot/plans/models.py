"""A planning run: what the coordinator asked for, its progress and its figures.

The files a run writes (the road network, reach.json, site-MODEL.json, the map and
the report) live in its own folder under ``SOT_PLAN_DIR/runs/<id>``; the row keeps
the inputs, the progress and a summary (per county and municipality) so that pages
and the national overview need no file reads.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sot.accounts.policy import Scope
from sot.config.choices import labelled_choices, text_choices
from sot.planning.results import Siting
from sot.plans.conf import runs_dir
from sot.vocabulary import JobState

# The job states are defined once, in sot.vocabulary.JobState.
RunStatus = text_choices(JobState, name="RunStatus", module=__name__)


class TravelModel(models.TextChoices):
    ROAD = "road", _("Vägnät (OpenStreetMap)")
    STRAIGHT = "straight", _("Fågelväg × omvägsfaktor (första överblick)")


class RoadSource(models.TextChoices):
    NONE = "none", _("Ingen vägfil: fågelvägsmodellen")
    UPLOAD = "upload", _("Uppladdad fil (.osm.pbf)")
    URL = "url", _("Hämtad från den inställda adressen (SOT_PLAN_ROAD_URL)")


class PopulationSource(models.TextChoices):
    LOCALITIES = "localities", _("Orternas folkmängd (ortregistret, GeoNames)")
    TOTALS = "totals", _("Kommunernas folkmängd fördelad på orterna")
    FILE = "file", _("Uppladdad fil (orter med folkmängd; med vägfil även SCB-rutor)")
    NODES = "nodes", _("En person per vägnod (bara med vägfil)")


class CandidateSource(models.TextChoices):
    LOCALITIES = "localities", _("Länets orter utan SOT-punkt")
    FILES = "files", _("Uppladdade butiker och drivmedelsstationer (CSV)")
    ROAD = "road", _("Butiker och drivmedel i vägfilen (OpenStreetMap)")


# The siting models are defined once, in planning (sot.planning.results.Siting).
SitingModel = labelled_choices(
    Siting,
    {
        Siting.MCLP: _("Maximal täckning (MCLP)"),
        Siting.LSCP: _("Minsta antal punkter som täcker alla (LSCP)"),
        Siting.PMEDIAN: _("Kortast sammanlagd restid (p-median)"),
    },
    name="SitingModel",
    module=__name__,
)


class PlanningRun(models.Model):
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    county_code = models.CharField(_("län"), max_length=2, db_index=True)
    status = models.CharField(
        _("läge"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress_pct = models.PositiveSmallIntegerField(_("klart (%)"), default=0)
    step = models.CharField(_("steg"), max_length=200, blank=True)
    error = models.TextField(_("fel"), blank=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    travel_model = models.CharField(
        _("restidsmodell"), max_length=10, choices=TravelModel.choices
    )
    road_source = models.CharField(
        _("vägfil"), max_length=10, choices=RoadSource.choices, default=RoadSource.NONE
    )
    road_name = models.CharField(_("vägfilens namn"), max_length=300, blank=True)
    population_source = models.CharField(
        _("befolkning"), max_length=12, choices=PopulationSource.choices
    )
    candidate_source = models.CharField(
        _("kandidatplatser"), max_length=12, choices=CandidateSource.choices
    )
    minutes = models.FloatField(_("minuter"), default=15)
    model = models.CharField(
        _("modell"),
        max_length=10,
        choices=SitingModel.choices,
        default=SitingModel.MCLP,
    )
    p = models.PositiveSmallIntegerField(_("antal nya punkter"), default=3)

    #: Figures for pages and the national overview (population, covered, share,
    #: per county and municipality, the chosen sites, the proven gap).
    summary = models.JSONField(_("sammanfattning"), default=dict, blank=True)

    class Meta:
        verbose_name = _("planeringskörning")
        verbose_name_plural = _("planeringskörningar")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_travel_model_display()} {self.minutes:g} min"

    def policy_scope(self) -> Scope:
        return Scope(county_code=self.county_code)

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def straight_line(self) -> bool:
        return self.travel_model == TravelModel.STRAIGHT

    def directory(self) -> Path:
        return runs_dir() / str(self.pk)
