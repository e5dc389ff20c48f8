"""Admin for the roster: officers and coordinators, within their scope.

No change history is kept for people (unlike the register), so that deleting a person
removes them completely; deleting goes through :func:`sot.outreach.roster.erase_member`.
Call-outs, messages and subscriptions are read through the API and the call-out page.
"""

from __future__ import annotations

from django.contrib import admin

from sot.accounts import policy
from sot.outreach import permissions as perm
from sot.outreach import roster
from sot.outreach.models import Member, Training
from sot.registry.models import Municipality, Organisation, Point


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 1

    def _may(self, request, obj=None):
        return policy.can(request.user, perm.CHANGE_ROSTER, obj)

    has_view_permission = has_change_permission = has_delete_permission = _may

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "group", "kind", "available"]
    list_filter = ["kind", "available", "municipality"]
    search_fields = ["name", "phone", "email"]
    filter_horizontal = ["points"]
    inlines = [TrainingInline]
    exclude = ["user"]

    def get_queryset(self, request):
        return policy.filter_allowed(
            request.user,
            perm.VIEW_PERSONAL,
            super().get_queryset(request),
            municipality_path="municipality",
        )

    def has_module_permission(self, request):
        return policy.can(request.user, perm.VIEW_PERSONAL)

    def has_view_permission(self, request, obj=None):
        return policy.can(request.user, perm.VIEW_PERSONAL, obj)

    def has_change_permission(self, request, obj=None):
        return policy.can(request.user, perm.CHANGE_ROSTER, obj)

    def has_add_permission(self, request):
        return policy.can(request.user, perm.CHANGE_ROSTER)

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, perm.CHANGE_ROSTER, obj)

    # The choices of the links are scoped like the rows: the Åre officer sees (and
    # may pick) only Åre's municipality, organisations and points. A crafted POST
    # with another id fails the form's "valid choice" check.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if db_field.name == "municipality":
            kwargs["queryset"] = policy.filter_allowed(
                user,
                perm.CHANGE_ROSTER,
                Municipality.objects.all(),
                municipality_path="",
            )
        elif db_field.name == "group":
            kwargs["queryset"] = policy.filter_allowed(
                user,
                perm.CHANGE_ROSTER,
                Organisation.objects.all(),
                municipality_path="municipality",
                county_path="county_code",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "points":
            kwargs["queryset"] = policy.filter_allowed(
                request.user,
                perm.CHANGE_ROSTER,
                Point.objects.select_related("municipality"),
                municipality_path="municipality",
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Every write goes through the roster's services (permission, scope checks).
    def save_model(self, request, obj, form, change):
        pass  # written in save_related, with the points and trainings

    def save_related(self, request, form, formsets, change):
        trainings, removed = [], []
        for formset in formsets:
            if formset.model is Training:
                trainings += formset.save(commit=False)
                removed += formset.deleted_objects
        roster.save_member_row(
            by=request.user,
            member=form.instance,
            points=list(form.cleaned_data["points"])
            if "points" in form.cleaned_data
            else None,
            trainings=trainings,
            removed_trainings=removed,
        )

    def delete_model(self, request, obj):
        roster.erase_member(by=request.user, member=obj)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            roster.erase_member(by=request.user, member=member)
