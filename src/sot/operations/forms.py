"""Forms of the officials' and operators' pages (plain HTML, no JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sot.operations.core import notecheck
from sot.operations.core import vocabulary as vocab
from sot.operations.models import (
    FUEL_PRODUCT_KEYS,
    PAYMENT_METHOD_KEYS,
    Availability,
    EventKind,
    LogKind,
    PowerSource,
    Queue,
    Severity,
    State,
    StatusReport,
)
from sot.operations.services.common import KEEP
from sot.public.core import words  # plain date words, as the public reads
from sot.registry.catalogue import FUEL_SERVICES, PAYMENT_SERVICES
from sot.validation import bounds
from sot.validation import forms as vf
from sot.vocabulary import swedish_order

REPORTABLE_STATES = [(State(s), State(s).label) for s in vocab.REPORTABLE_STATES]


class OptionalJSONField(forms.JSONField):
    """A JSON field that shows an empty box, not ``null``, when there is nothing."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


def _swedish_choices(field) -> None:
    """List a model choice field's options by name in Swedish alphabetical order
    (Å, Ä, Ö after Z), not in the model's order (municipalities by code); the
    queryset still validates what is posted."""
    options = list(field.choices)
    blank = [c for c in options if c[0] == ""]
    rest = sorted(
        (c for c in options if c[0] != ""), key=lambda c: swedish_order(str(c[1]))
    )
    field.choices = blank + rest


class EventForm(forms.Form):
    name = vf.text(bounds.NAME_LEN, label=_("Namn"))
    kind = forms.ChoiceField(label=_("Typ"), choices=EventKind.choices)
    is_exercise = forms.BooleanField(label=_("Övning"), required=False)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Berörda kommuner"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    severity = forms.ChoiceField(
        label=_("Allvarlighet"), choices=Severity.choices, initial=Severity.MODERATE
    )
    decided_by = vf.text(bounds.NAME_LEN, label=_("Beslutad av"), required=False)
    description = vf.text(
        bounds.LONG_TEXT_LEN,
        multiline=True,
        label=_("Beskrivning (intern)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    public_message = vf.text(
        bounds.LONG_TEXT_LEN,
        multiline=True,
        label=_("Meddelande till allmänheten"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    stale_after_minutes = vf.whole(
        bounds.STALE_MINUTES,
        label=_("Rapport inaktuell efter (minuter)"),
        required=False,
        help_text=_("Tomt: standard (240 minuter)."),
    )
    area = OptionalJSONField(
        label=_("Område (GeoJSON Polygon eller MultiPolygon, valfritt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_area(self):
        area = self.cleaned_data.get("area")
        if area in (None, "", {}):
            return None
        if isinstance(area, dict) and area.get("type") == "Feature":
            area = area.get("geometry")
        if not isinstance(area, dict) or area.get("type") not in (
            "Polygon",
            "MultiPolygon",
        ):
            raise forms.ValidationError(
                _("Ange en GeoJSON Polygon eller MultiPolygon.")
            )
        return area

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
        _swedish_choices(self.fields["municipalities"])
        # an officer of one municipality opens events in it: ticked from the start
        only = list(municipalities[:2])
        if len(only) == 1:
            self.fields["municipalities"].initial = [only[0].pk]


class ActivateForm(forms.Form):
    point = forms.ModelChoiceField(label=_("SOT-punkt"), queryset=None)
    note = forms.CharField(label=_("Kommentar"), max_length=200, required=False)

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points
        _swedish_choices(self.fields["point"])


class LogForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Typ"),
        choices=[
            (k, lbl) for k, lbl in LogKind.choices if k in vocab.WRITABLE_LOG_KINDS
        ],
        initial=LogKind.NOTE,
    )
    text = vf.text(
        bounds.LONG_TEXT_LEN,
        multiline=True,
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliveryForm(forms.Form):
    delivered_l = vf.number(bounds.DELIVERY_L, label=_("Levererat (liter)"))
    supplier = vf.text(bounds.NAME_LEN, label=_("Leverantör"), required=False)
    note = vf.text(bounds.SHORT_TEXT_LEN, label=_("Kommentar"), required=False)


class HoursForm(forms.Form):
    """The point's opening hours in an event: every day, or one day of it."""

    day = forms.ChoiceField(label=pgettext_lazy("öppettider", "Gäller"), required=False)
    hours = vf.text(
        bounds.SHORT_TEXT_LEN,
        label=_("Öppettider"),
        required=False,
        help_text=_(
            "T.ex. 08–20, 08.30–16, 08–12, 13–20, ”dygnet runt” eller ”stängt”. "
            "Tomt: ta bort (då gäller punktens planerade öppethållande)."
        ),
    )

    def __init__(self, *args, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [("", _("Alla dagar under händelsen"))] + [
            (d.isoformat(), words.day(d)) for d in days
        ]


class CloseEventForm(forms.Form):
    """A guarded action (end the event, close all points, delete an exercise): the
    reason is required, and nothing happens until ``confirmed`` comes from the
    confirmation page."""

    reason = vf.text(
        bounds.SHORT_TEXT_LEN,
        label=_("Orsak (sparas i loggen)"),
        required=False,
    )
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("confirmed") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Ange en orsak."))
        return data


class PublicMessageForm(forms.Form):
    public_message = vf.text(
        bounds.LONG_TEXT_LEN,
        multiline=True,
        label=_("Meddelande till allmänheten"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    items = forms.CharField(
        label=_("Punkter, en per rad"), widget=forms.Textarea(attrs={"rows": 8})
    )


NOTE_KEEP, NOTE_EDIT, NOTE_CLEAR = "keep", "edit", "clear"
NOTE_CHOICES = [
    (NOTE_KEEP, _("Behåll det")),
    (NOTE_EDIT, _("Ersätt det med texten nedan")),
    (NOTE_CLEAR, _("Ta bort det")),
]


class ReportForm(forms.Form):
    """The operator's status report; built for the point's own services.

    The public note is never filled in from the last report: when the point has one
    (``previous_note``), the operator sees it and chooses to keep, replace or remove
    it; sending without a choice is refused (issue #11). ``require_note_choice=False``
    (a report queued offline, made before the current note existed) keeps it instead.
    """

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    state = forms.ChoiceField(
        label=_("Läge"), choices=REPORTABLE_STATES, widget=forms.RadioSelect
    )
    state_reason = forms.CharField(
        label=_("Orsak (krävs vid stängning)"), max_length=300, required=False
    )
    power_source = forms.ChoiceField(
        label=_("Ström"),
        choices=PowerSource.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    generator_fuel_l = vf.number(
        bounds.FUEL_L, label=_("Bränsle i elverkets tank (liter)"), required=False
    )
    generator_fuel_pct = vf.number(
        bounds.PCT, label=_("… eller i procent"), required=False
    )
    generator_load_pct = vf.number(
        bounds.PCT, label=_("Elverkets last (%)"), required=False
    )
    indoor_temp_c = vf.number(
        bounds.TEMP_C, label=_("Inomhustemperatur (°C)"), required=False
    )
    people_present = vf.whole(
        bounds.PEOPLE, label=_("Personer på plats"), required=False
    )
    queue = forms.ChoiceField(
        label=_("Kö"), choices=[("", "–"), *Queue.choices], required=False
    )
    needs_fuel = forms.BooleanField(label=_("Behöver bränsle"), required=False)
    needs_staff = forms.BooleanField(label=_("Behöver personal"), required=False)
    needs_supplies = forms.BooleanField(
        label=_("Behöver förnödenheter"), required=False
    )
    needs_text = vf.text(
        bounds.SHORT_TEXT_LEN, label=_("Behov, detaljer"), required=False
    )
    public_note_action = forms.ChoiceField(
        label=_("Meddelandet som visas nu"),
        choices=NOTE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    public_note = vf.text(
        bounds.SHORT_TEXT_LEN, label=_("Meddelande till allmänheten"), required=False
    )
    note = vf.text(
        bounds.LONG_TEXT_LEN,
        multiline=True,
        label=_("Kommentar till kommunen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(
        self, *args, point, previous_note: str = "", require_note_choice=True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.previous_note = previous_note
        self.require_note_choice = require_note_choice
        if previous_note:
            self.fields["public_note"].label = _("Nytt meddelande till allmänheten")
        else:
            del self.fields["public_note_action"]
        self.service_fields = []
        self.fuel_fields = []
        services = [ps.service for ps in point.point_services.select_related("service")]
        payments = [s for s in services if s.code in PAYMENT_SERVICES]
        for service in services:
            if service.code in PAYMENT_SERVICES:
                continue
            name = f"svc_{service.code}"
            self.fields[name] = forms.ChoiceField(
                label=service.name_sv,
                choices=Availability.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            (
                self.fuel_fields
                if service.code in FUEL_SERVICES
                else self.service_fields
            ).append(name)
        self.fields["payment_methods"] = forms.MultipleChoiceField(
            label=_("Betalsätt som fungerar"),
            choices=[
                (PAYMENT_METHOD_KEYS.get(s.code, s.code), s.name_sv) for s in payments
            ],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )

    @staticmethod
    def initial_from(report: StatusReport | None) -> dict:
        """The form filled with the last report's values (the operator changes only
        what changed); not the public note, which is chosen anew each time."""
        if report is None:
            return {"based_on": 0}
        data = {
            "based_on": report.pk,
            "state": report.state if report.state != State.UNKNOWN else "",
            "state_reason": report.state_reason,
            "power_source": report.power_source,
            "generator_load_pct": report.generator_load_pct,
            "indoor_temp_c": report.indoor_temp_c,
            "people_present": report.people_present,
            "queue": report.queue,
            "needs_fuel": report.needs_fuel,
            "needs_staff": report.needs_staff,
            "needs_supplies": report.needs_supplies,
            "needs_text": report.needs_text,
            "payment_methods": list(report.payment_methods or []),
        }
        for code, value in (report.services or {}).items():
            data[f"svc_{code}"] = value
        products = report.fuel_products or {}
        for code, key in FUEL_PRODUCT_KEYS.items():
            if key in products:
                data[f"svc_{code}"] = products[key]
        return data

    def clean(self):
        data = self._clean_note_choice(super().clean())
        if not self.errors and self.require_note_choice:
            self._refuse_contradicting_note(data)
        return data

    def _refuse_contradicting_note(self, data) -> None:
        """The public note may not say what the report's own choices deny ("Diesel
        finns" with diesel *Nej*): the operator fixes one or the other, nothing typed
        is lost (:mod:`sot.operations.core.notecheck`). A report queued offline is
        not refused for it (the public page then says which part the data
        contradicts)."""
        note = self.public_note_value()
        if note is KEEP:
            note = self.previous_note
        values = {
            name[4:]: data.get(name)
            for name in self.service_fields + self.fuel_fields
            if data.get(name)
        }
        found = notecheck.contradictions(note or "", values, data.get("state") or "")
        if not found:
            return
        labels = dict(Availability.choices)
        states = dict(State.choices)
        for c in found:
            if c.topic == notecheck.STATE_TOPIC:
                told = f"{_('Läge')}: {states.get(c.reported, c.reported)}"
            else:
                field = self.fields.get(f"svc_{c.topic}")
                told = f"{field.label if field else c.topic}: {labels[c.reported]}"
            self.add_error(
                "public_note_action"
                if self.public_note_value() is KEEP
                else "public_note",
                _(
                    "Meddelandet säger ”%(sentence)s”, men rapporten säger "
                    "%(told)s. Ändra texten eller valet."
                )
                % {"sentence": c.sentence, "told": told},
            )

    def _clean_note_choice(self, data):
        if not self.previous_note:
            return data
        action = data.get("public_note_action") or ""
        text = (data.get("public_note") or "").strip()
        if not action:
            if text:
                action = NOTE_EDIT  # writing a new note is a choice
            elif self.require_note_choice:
                self.add_error(
                    "public_note_action",
                    _(
                        "Välj om meddelandet till allmänheten ska behållas, "
                        "ersättas eller tas bort."
                    ),
                )
            else:
                action = NOTE_KEEP
        elif action == NOTE_EDIT and not text:
            self.add_error(
                "public_note", _("Skriv det nya meddelandet, eller välj Ta bort det.")
            )
        elif action != NOTE_EDIT and text:
            self.add_error(
                "public_note",
                _("Du skrev ett nytt meddelande: välj Ersätt det med texten nedan."),
            )
        data["public_note_action"] = action
        return data

    def public_note_value(self):
        """The public note to store: the text, ``""`` to remove, or ``KEEP``."""
        c = self.cleaned_data
        text = (c.get("public_note") or "").strip()
        if not self.previous_note:
            return text
        return {NOTE_KEEP: KEEP, NOTE_CLEAR: ""}.get(c.get("public_note_action"), text)

    def compare_with(self, report: StatusReport) -> list[tuple[str, str, str]]:
        """(label, what this filled-in form says, what ``report`` says) for every
        field where they differ: the operator's own input beside a newer report."""
        newer = self.initial_from(report)
        for name in ("generator_fuel_l", "generator_fuel_pct", "note", "public_note"):
            newer[name] = getattr(report, name)
        c = self.cleaned_data
        rows = []
        for name, field in self.fields.items():
            if name in ("based_on", "public_note_action"):
                continue
            mine = c.get(name)
            if name == "public_note":
                mine = self.public_note_value()
                if mine is KEEP:
                    mine = self.previous_note
            shown = _shown(field, mine), _shown(field, newer.get(name))
            if shown[0] != shown[1]:
                rows.append((str(field.label), *shown))
        return rows

    def carried_input(self) -> dict:
        """What the operator typed that a form with a newer report's values should
        keep: the comment to the municipality and a new public note."""
        c = self.cleaned_data
        out = {"note": c.get("note") or ""}
        if self.previous_note and c.get("public_note_action") != NOTE_EDIT:
            return out
        if (c.get("public_note") or "").strip():
            out["public_note"] = c["public_note"].strip()
            out["public_note_action"] = NOTE_EDIT
        return out

    def report_fields(self) -> dict:
        """Keyword arguments for ``submit_status_report``."""
        c = self.cleaned_data
        services = {name[4:]: c[name] for name in self.service_fields if c.get(name)}
        fuel_products = {
            FUEL_PRODUCT_KEYS.get(name[4:], name[4:]): c[name]
            for name in self.fuel_fields
            if c.get(name)
        }
        return {
            "state": c["state"],
            "state_reason": c.get("state_reason") or "",
            "power_source": c.get("power_source") or "",
            "services": services,
            "fuel_products": fuel_products,
            "payment_methods": list(c.get("payment_methods") or []),
            "indoor_temp_c": c.get("indoor_temp_c"),
            "people_present": c.get("people_present"),
            "queue": c.get("queue") or "",
            "generator_fuel_l": c.get("generator_fuel_l"),
            "generator_fuel_pct": c.get("generator_fuel_pct"),
            "generator_load_pct": c.get("generator_load_pct"),
            "needs_fuel": c.get("needs_fuel", False),
            "needs_staff": c.get("needs_staff", False),
            "needs_supplies": c.get("needs_supplies", False),
            "needs_text": c.get("needs_text") or "",
            "note": c.get("note") or "",
            "public_note": self.public_note_value(),
        }


def _shown(field, value) -> str:
    """A form value as the operator reads it (choice labels, Ja/Nej, – for none)."""
    if isinstance(field, forms.BooleanField):
        return str(_("Ja") if value else _("Nej"))
    if value in (None, "", [], ()):
        return "–"
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): str(v) for k, v in field.choices}
        if isinstance(value, list | tuple):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
