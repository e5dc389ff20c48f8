"""Forms of the warnings pages: upload, decision on a suggestion, suggestion rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sot.warnings.core.model import MARKABLE_STATUSES
from sot.warnings.models import (
    HazardChoice,
    SourceKind,
    StatusChoice,
    SuggestionRule,
    WarningFormat,
)

MAX_UPLOAD_BYTES = 8 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Dokument"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Känn igen automatiskt")), *WarningFormat.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Markera som"),
        choices=[
            ("", _("som i dokumentet")),
            *((s.value, StatusChoice(s).label) for s in MARKABLE_STATUSES),
        ],
        required=False,
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen är för stor (högst 8 MB)."))
        return f


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RuleForm(forms.ModelForm):
    sources = forms.MultipleChoiceField(
        label=_("Källor"),
        choices=SourceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Inga valda: alla källor."),
    )
    hazards = forms.MultipleChoiceField(
        label=_("Typer"),
        choices=HazardChoice.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Inga valda: alla typer."),
    )

    class Meta:
        model = SuggestionRule
        fields = [
            "name",
            "enabled",
            "order",
            "county_code",
            "sources",
            "hazards",
            "min_level",
            "include_exercises",
            "action",
        ]
