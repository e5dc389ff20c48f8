"""The Django admin for officials, in Swedish, arranged for the register.

Every permission question goes to `sot.accounts.policy`, object by object; every save
goes through the register's service functions so that history is kept.
"""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sot.accounts import policy
from sot.errors import Conflict, Invalid, Refused
from sot.registry import imports, services, tables
from sot.registry.models import (
    BackupPower,
    ChangeRecord,
    Contact,
    County,
    ImportJob,
    Municipality,
    Organisation,
    Point,
    PointService,
    Service,
)
from sot.validation import tabular

admin.site.site_header = _("sot – SOT-punkter")
admin.site.site_title = _("sot")
admin.site.index_title = _("Register och drift")


def _has_role(user) -> bool:
    return policy.can(user, policy.VIEW_INTERNAL)


class ScopedAdmin(admin.ModelAdmin):
    """Admin whose rows and rights follow the policy.

    Subclasses name the policy actions and the lookups from the model to its
    municipality and point.
    """

    view_action = policy.VIEW_INTERNAL
    change_action = policy.CHANGE_POINT
    add_action = policy.ADD_POINT
    delete_action = policy.DELETE_POINT
    municipality_path = "municipality"
    point_path: str | None = None
    county_path: str | None = None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return policy.filter_allowed(
            request.user,
            self.view_action,
            qs,
            municipality_path=self.municipality_path,
            point_path=self.point_path,
            county_path=self.county_path,
        )

    def has_module_permission(self, request):
        return _has_role(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.can(request.user, self.view_action, obj)

    def has_change_permission(self, request, obj=None):
        return policy.can(request.user, self.change_action, obj)

    def has_add_permission(self, request):
        return policy.can(request.user, self.add_action)

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, self.delete_action, obj)

    # Every write goes through the register's services (permission, history).
    def save_model(self, request, obj, form, change):
        services.save_record(
            actor=request.user,
            obj=obj,
            action=self.change_action if change else self.add_action,
        )

    def delete_model(self, request, obj):
        services.delete_record(actor=request.user, obj=obj, action=self.delete_action)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows (an organisation's contacts) are saved one by one through
        the services too, checked against the parent row."""
        rows = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.delete_record(
                actor=request.user,
                obj=obj,
                action=self.change_action,
                scope=form.instance,
            )
        for obj in rows:
            services.save_record(
                actor=request.user,
                obj=obj,
                action=self.change_action,
                scope=form.instance,
            )
        formset.save_m2m()


class PointServiceInline(admin.TabularInline):
    model = PointService
    extra = 1
    autocomplete_fields = ["service"]

    def has_view_permission(self, request, obj=None):
        return obj is None or policy.can(request.user, policy.VIEW_INTERNAL, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or policy.can(request.user, policy.CHANGE_POINT, obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class BackupPowerInline(PointServiceInline):
    model = BackupPower
    extra = 0
    max_num = 1
    autocomplete_fields = []
    template = "admin/edit_inline/stacked.html"


class _NotSaved(Exception):
    """save_point refused what the form let through (the message says why)."""

    def __init__(self, error: ValidationError):
        self.error = error
        super().__init__(str(error))


def edit_version(point: Point) -> str:
    """A short fingerprint of everything the point form and its inlines edit."""
    snapshot = services.point_snapshot(point)
    text = json.dumps(snapshot, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class PointForm(forms.ModelForm):
    sweref_e = forms.FloatField(
        label=_("SWEREF 99 TM E (m)"),
        required=False,
        help_text=_(
            "Alternativ till latitud/longitud: fyll i E och N och lämna lat/lon."
        ),
    )
    sweref_n = forms.FloatField(label=_("SWEREF 99 TM N (m)"), required=False)
    confirm_outside = forms.BooleanField(
        label=_("Spara även om punkten ligger utanför kommunens gräns"), required=False
    )
    # Optimistic concurrency, as status reports have: the version of the point (its
    # fields, services and backup power) the form was filled from. A save based on
    # an older version is refused with what changed, instead of silently reverting
    # someone else's change.
    edit_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Point
        fields = (
            *services.POINT_FIELDS,
            "municipality",
            "responsible_organisation",
            "contacts",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lat", "lon"):
            if name in self.fields:
                self.fields[name].required = False
        if self.instance.pk and self.instance.lat is not None:
            e, n = self.instance.sweref99tm
            self.initial.setdefault("sweref_e", round(e, 1))
            self.initial.setdefault("sweref_n", round(n, 1))
        if self.instance.pk and "slug" in self.fields:
            self.fields["slug"].disabled = True
        if self.instance.pk and not self.is_bound:
            self.initial["edit_version"] = edit_version(self.instance)

    def _check_version(self, submitted: str) -> None:
        current = Point.objects.select_related("municipality").get(pk=self.instance.pk)
        if submitted == edit_version(current):
            return
        before = services.point_snapshot(current)
        changed = [
            f"{name}: {before[name]!r}"
            for name, field in self.fields.items()
            if name in before
            and name in self.data
            and str(before[name] if before[name] is not None else "")
            != str(self.data.get(name, ""))
        ]
        self.data = self.data.copy()
        self.data["edit_version"] = edit_version(current)
        raise ValidationError(
            _(
                "Någon annan har ändrat punkten medan du redigerade. Inget sparades. "
                "Nuvarande värden som skiljer sig från dina: %(fields)s. Kontrollera "
                "och spara igen."
            )
            % {"fields": "; ".join(changed) or _("(tjänster eller reservkraft)")}
        )

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            self._check_version(data.get("edit_version") or "")
        e, n = data.get("sweref_e"), data.get("sweref_n")
        moved_sweref = self.instance.pk is None or any(
            f in self.changed_data for f in ("sweref_e", "sweref_n")
        )
        moved_latlon = any(f in self.changed_data for f in ("lat", "lon"))
        if e is not None and n is not None and moved_sweref and not moved_latlon:
            fields: dict = {"sweref_e": e, "sweref_n": n}
            errors: dict[str, list[str]] = {}
            services.resolve_coordinates(fields, errors)
            if errors:
                raise ValidationError({"sweref_e": errors["sweref_e"]})
            data["lat"], data["lon"] = fields["lat"], fields["lon"]
            self.instance.lat, self.instance.lon = fields["lat"], fields["lon"]
        if data.get("lat") is None or data.get("lon") is None:
            raise ValidationError(
                _("Ange latitud och longitud (WGS84) eller SWEREF 99 TM E och N.")
            )
        try:
            services.check_location(
                lat=data["lat"],
                lon=data["lon"],
                municipality=data.get("municipality"),
                confirm=data.get("confirm_outside", False),
            )
        except services.NeedsConfirmation as exc:
            raise ValidationError(
                {"confirm_outside": exc.message_dict["lat"]}
            ) from None
        except ValidationError as exc:
            raise ValidationError({"lat": exc.message_dict["lat"]}) from None
        return data


@admin.register(Point)
class PointAdmin(ScopedAdmin):
    form = PointForm
    list_display = ("name", "village", "municipality", "lifecycle", "updated_at")
    list_filter = ("municipality", "lifecycle", "services", "municipality__county_code")
    search_fields = ("name", "village", "slug", "store_name", "fuel_station_name")
    ordering = ("municipality__code", "name")
    point_path = ""
    inlines = [PointServiceInline, BackupPowerInline]
    filter_horizontal = ("contacts",)
    actions = ["export_csv", "export_xlsx"]
    change_list_template = "admin/registry/point/change_list.html"
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "slug",
                    "name",
                    "village",
                    "municipality",
                    "lifecycle",
                    "edit_version",
                )
            },
        ),
        (
            # "Läge" elsewhere means status; here it is where the point is.
            pgettext_lazy("point location", "Läge"),
            {
                "fields": (
                    "lat",
                    "lon",
                    "sweref_e",
                    "sweref_n",
                    "confirm_outside",
                    "address",
                    "postcode",
                )
            },
        ),
        (
            _("Datum"),
            {
                "fields": (
                    "planned_on",
                    "approved_on",
                    "established_on",
                    "decommissioned_on",
                )
            },
        ),
        (
            _("Butik och drivmedel"),
            {
                "fields": (
                    "store_name",
                    "store_chain",
                    "fuel_station_name",
                    "fuel_station_chain",
                    "store_to_fuel_m",
                )
            },
        ),
        (
            _("Ansvar och kontakter"),
            {"fields": ("responsible_organisation", "contacts")},
        ),
        (
            _("Information"),
            {
                "fields": (
                    "public_description",
                    "opening_arrangements",
                    "accessibility_notes",
                    "internal_notes",
                )
            },
        ),
        (_("Ändrad"), {"fields": ("created_at", "updated_at")}),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality":
            kwargs["queryset"] = _municipalities_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Every save goes through services.save_point (permissions, validation, history
    # in one place): the form and its inlines only collect the input, and the point,
    # its services, backup power and contacts are written together after them.
    def save_model(self, request, obj, form, change):
        pass  # written in save_related, once the inlines' input is known

    def save_related(self, request, form, formsets, change):
        data = {
            name: form.cleaned_data[name]
            for name in (*services.POINT_FIELDS, "municipality")
            if name in form.cleaned_data
        }
        data["responsible_organisation"] = form.cleaned_data.get(
            "responsible_organisation"
        )
        wanted, backup, remove_backup = None, None, False
        for formset in formsets:
            formset.new_objects, formset.changed_objects = [], []
            formset.deleted_objects = []
            kept = [
                f
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            if formset.model is PointService:
                wanted = [
                    (
                        f.cleaned_data["service"].code,
                        f.cleaned_data.get("capacity_people"),
                    )
                    for f in kept
                    if f.cleaned_data.get("service")
                ]
            elif formset.model is BackupPower:
                remove_backup = any(
                    f.cleaned_data.get("DELETE") and f.instance.pk
                    for f in formset.forms
                )
                if kept:
                    backup = {
                        name: kept[0].cleaned_data[name]
                        for name in services.BACKUP_FIELDS
                        if name in kept[0].cleaned_data
                    }
        try:
            point = services.save_point(
                actor=request.user,
                data=data,
                point=Point.objects.get(pk=form.instance.pk) if change else None,
                services=wanted,
                backup_power=backup,
                remove_backup_power=remove_backup and backup is None,
                contacts=form.cleaned_data.get("contacts"),
                source="admin",
                confirm=bool(form.cleaned_data.get("confirm_outside")),
            )
        except ValidationError as exc:
            raise _NotSaved(exc) from None
        form.instance.pk = point.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _NotSaved as exc:  # the admin's transaction was rolled back
            messages.error(
                request,
                _("Inget sparades: %(errors)s")
                % {"errors": "; ".join(exc.error.messages)},
            )
            return redirect(request.get_full_path())

    def delete_model(self, request, obj):
        services.delete_point(actor=request.user, point=obj, source="admin")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_point(actor=request.user, point=obj, source="admin")

    def history_view(self, request, object_id, extra_context=None):
        point = self.get_object(request, object_id)
        if point is None:  # not in the user's scope
            raise Refused("not allowed: point.view_internal")
        policy.require(request.user, policy.VIEW_INTERNAL, point)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Historik: %s") % point,
            "object": point,
            "opts": self.model._meta,
            "records": services.history_of(point),
        }
        return TemplateResponse(request, "admin/registry/point/history.html", context)

    # Import and export.
    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="registry_point_import",
            ),
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="registry_point_import_job",
            ),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_all),
                name="registry_point_export",
            ),
            *super().get_urls(),
        ]

    def _export(self, queryset, fmt: str) -> HttpResponse:
        rows = tables.export_rows(
            queryset.select_related("municipality").prefetch_related(
                "point_services__service"
            )
        )
        if fmt == "xlsx":
            body = tables.to_xlsx(rows)
            ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body, ctype, fmt = tables.to_csv(rows), "text/csv; charset=utf-8", "csv"
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="sot-punkter.{fmt}"'
        return response

    @admin.action(description=_("Exportera markerade som CSV"))
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description=_("Exportera markerade som XLSX"))
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    def export_all(self, request, fmt):
        return self._export(self.get_queryset(request), fmt)

    def import_view(self, request):
        """The upload form: the file becomes a job for the task worker, and the
        official is sent to the job's page at once."""
        policy.require(request.user, policy.ADD_POINT)
        errors = None
        if request.method == "POST" and request.FILES.get("file"):
            upload = request.FILES["file"]
            try:
                job = imports.start_import(
                    actor=request.user,
                    kind=ImportJob.Kind.POINTS,
                    data=upload.read(tabular.MAX_BYTES + 1),
                    filename=upload.name or "",
                    options={
                        "source": "admin-import",
                        "confirm_outside": bool(request.POST.get("confirm_outside")),
                    },
                )
            except Invalid as exc:
                errors = [tables.RowError(0, "fil", exc.message)]
            else:
                return redirect(
                    reverse("admin:registry_point_import_job", args=[job.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importera SOT-punkter"),
            "opts": self.model._meta,
            "errors": errors,
            "columns": tables.BASE_COLUMNS,
            "jobs": imports.recent_jobs(request.user, kind=ImportJob.Kind.POINTS),
        }
        return render(request, "admin/registry/point/import.html", context)

    def import_job_view(self, request, job_id: int):
        """How far an import has come; the page reloads itself while it runs (a
        meta refresh, so no JavaScript is needed). POST cancels it."""
        job = imports.job_for(request.user, job_id)
        if request.method == "POST" and "cancel" in request.POST:
            try:
                job = imports.cancel_job(actor=request.user, job=job)
            except Conflict as exc:
                messages.warning(request, exc.message)
            return redirect(reverse("admin:registry_point_import_job", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import av %(file)s") % {"file": job.filename},
            "opts": self.model._meta,
            "job": job,
            "errors": [
                tables.RowError(row, fld, message) for row, fld, message in job.errors
            ],
            "refresh_s": IMPORT_REFRESH_S,
        }
        return render(request, "admin/registry/point/import_job.html", context)


#: Seconds between reloads of an import job's page while it runs.
IMPORT_REFRESH_S = 2


def _municipalities_for(user):
    """The municipalities the user may add points (and services) in."""
    return policy.filter_allowed(
        user, policy.ADD_POINT, Municipality.objects.all(), municipality_path=""
    )


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdmin):
    view_action = policy.VIEW_INTERNAL
    change_action = policy.CHANGE_MUNICIPALITY
    add_action = policy.CHANGE_MUNICIPALITY
    delete_action = policy.CHANGE_MUNICIPALITY
    municipality_path = ""
    point_path = "points"
    list_display = ("code", "name", "county_code", "population")
    list_filter = ("county_code",)
    search_fields = ("code", "name")
    exclude = ("boundary",)

    def has_add_permission(self, request):
        return policy.can(request.user, policy.ADMINISTER)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 1

    def has_view_permission(self, request, obj=None):
        return obj is None or policy.can(request.user, policy.VIEW_ORGANISATION, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or policy.can(request.user, policy.CHANGE_ORGANISATION, obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    view_action = policy.VIEW_ORGANISATION
    change_action = policy.CHANGE_ORGANISATION
    add_action = policy.CHANGE_ORGANISATION
    delete_action = policy.CHANGE_ORGANISATION
    list_display = ("name", "kind", "municipality")
    list_filter = ("kind", "municipality")
    search_fields = ("name",)
    inlines = [ContactInline]
    county_path = "county_code"

    def save_model(self, request, obj, form, change):
        if obj.municipality_id:
            obj.county_code = obj.municipality.county_code
        elif not obj.county_code:
            obj.county_code = request.user.county_code or (
                request.user.municipality.county_code
                if request.user.municipality_id
                else ""
            )
        services.save_record(
            actor=request.user, obj=obj, action=policy.CHANGE_ORGANISATION, scope=obj
        )


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """National services are read-only; a municipality adds its own."""

    list_display = ("code", "name_sv", "name_en", "category", "municipality")
    list_filter = ("category", "municipality")
    search_fields = ("code", "name_sv", "name_en")

    def has_module_permission(self, request):
        return _has_role(request.user)

    def has_view_permission(self, request, obj=None):
        return _has_role(request.user)

    def has_add_permission(self, request):
        return policy.can(request.user, policy.CHANGE_SERVICE_CATALOGUE)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.municipality_id is None:
            return policy.can(request.user, policy.ADMINISTER)
        return policy.can(request.user, policy.CHANGE_SERVICE_CATALOGUE, obj)

    has_delete_permission = has_change_permission

    def _action(self, obj) -> str:
        if obj.municipality_id is None:
            return policy.ADMINISTER
        return policy.CHANGE_SERVICE_CATALOGUE

    def save_model(self, request, obj, form, change):
        services.save_record(actor=request.user, obj=obj, action=self._action(obj))

    def delete_model(self, request, obj):
        services.delete_record(actor=request.user, obj=obj, action=self._action(obj))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality" and not policy.can(
            request.user, policy.ADMINISTER
        ):
            kwargs["queryset"] = _municipalities_for(request.user)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "object_repr", "action", "user", "source")
    list_filter = ("action", "source", "model")
    search_fields = ("object_repr", "object_id")
    readonly_fields = [f.name for f in ChangeRecord._meta.fields]

    def has_module_permission(self, request):
        return policy.can(request.user, policy.VIEW_HISTORY)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    exclude = ("boundary",)

    def has_module_permission(self, request):
        return policy.can(request.user, policy.ADMINISTER)

    def save_model(self, request, obj, form, change):
        services.save_record(actor=request.user, obj=obj, action=policy.ADMINISTER)

    def delete_model(self, request, obj):
        services.delete_county(actor=request.user, county=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
