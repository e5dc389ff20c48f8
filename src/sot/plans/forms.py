"""The form that starts a planning run (plain HTML, no JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sot.plans import conf
from sot.plans.models import (
    CandidateSource,
    PopulationSource,
    RoadSource,
    SitingModel,
)


class RunForm(forms.Form):
    road_source = forms.ChoiceField(
        label=_("Vägnät"), choices=RoadSource.choices, initial=RoadSource.NONE
    )
    roads = forms.FileField(
        label=_("Vägfil (.osm.pbf)"),
        required=False,
        help_text=_(
            "Ett utdrag ur OpenStreetMap för länet. Stora filer hämtas hellre från "
            "den inställda adressen."
        ),
    )
    population_source = forms.ChoiceField(
        label=_("Befolkning"),
        choices=PopulationSource.choices,
        initial=PopulationSource.TOTALS,
    )
    population = forms.FileField(
        label=_("Befolkningsfil (CSV)"),
        required=False,
        help_text=_("Orter: namn, lat, lon, folkmängd. Med vägfil även SCB:s rutnät."),
    )
    candidate_source = forms.ChoiceField(
        label=_("Kandidatplatser"),
        choices=CandidateSource.choices,
        initial=CandidateSource.LOCALITIES,
    )
    stores = forms.FileField(
        label=_("Livsmedelsbutiker (CSV: namn, lat, lon)"), required=False
    )
    fuel = forms.FileField(
        label=_("Drivmedelsstationer (CSV: namn, lat, lon)"), required=False
    )
    minutes = forms.FloatField(
        label=_("Restid (minuter)"), min_value=1, max_value=180, initial=15
    )
    model = forms.ChoiceField(
        label=_("Modell"), choices=SitingModel.choices, initial=SitingModel.MCLP
    )
    p = forms.IntegerField(
        label=_("Antal nya punkter (MCLP, p-median)"),
        min_value=1,
        max_value=200,
        initial=3,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not conf.ROAD_URL.value():
            self.fields["road_source"].choices = [
                c for c in RoadSource.choices if c[0] != RoadSource.URL
            ]
