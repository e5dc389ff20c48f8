"""Admin pages for the warnings app (superusers and coordinators).

Sources and rules are edited here as well as on the warnings pages; stored messages
and suggestions are shown read-only (they change through imports and decisions) and
only the superuser deletes them, through the warnings services.
"""

from __future__ import annotations

from django.contrib import admin

from sot.accounts import policy
from sot.warnings import permissions as perm
from sot.warnings import services
from sot.warnings.models import (
    Suggestion,
    SuggestionRule,
    WarningMessage,
    WarningSource,
)


class _CoordinatorOnly(admin.ModelAdmin):
    def _ok(self, request) -> bool:
        return policy.can(request.user, perm.CHANGE_RULE)

    def has_module_permission(self, request):
        return self._ok(request)

    def has_view_permission(self, request, obj=None):
        return self._ok(request)

    def has_change_permission(self, request, obj=None):
        return self._ok(request)

    def has_add_permission(self, request):
        return self._ok(request)

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, policy.ADMINISTER)


@admin.register(WarningSource)
class WarningSourceAdmin(_CoordinatorOnly):
    list_display = (
        "slug",
        "name",
        "format",
        "enabled",
        "last_success_at",
        "last_error_at",
    )
    readonly_fields = (
        "failures",
        "retry_at",
        "last_attempt_at",
        "last_success_at",
        "last_error_at",
        "last_error",
        "last_status_code",
        "data_as_of",
    )

    # Every write goes through the warnings services (permission in one place).
    def save_model(self, request, obj, form, change):
        services.save_source(source=obj, by=request.user)

    def delete_model(self, request, obj):
        services.delete_source(source=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(SuggestionRule)
class SuggestionRuleAdmin(_CoordinatorOnly):
    list_display = ("name", "order", "county_code", "min_level", "action", "enabled")
    list_editable = ("enabled",)

    # Saved through services.save_rule, like the rules page: a coordinator changes
    # the rules of their own county, the superuser also those for every county.
    def save_model(self, request, obj, form, change):
        services.save_rule(rule=obj, by=request.user)

    def delete_model(self, request, obj):
        services.delete_rule(rule=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class _ReadOnly(_CoordinatorOnly):
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(WarningMessage)
class WarningMessageAdmin(_ReadOnly):
    list_display = (
        "headline",
        "source",
        "identifier",
        "level",
        "status",
        "state",
        "sent",
    )
    list_filter = ("source", "state", "status", "hazard", "level")
    search_fields = ("identifier", "headline_sv", "headline_en")

    def delete_model(self, request, obj):
        services.delete_warning(message=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Suggestion)
class SuggestionAdmin(_ReadOnly):
    list_display = (
        "municipality",
        "message",
        "action",
        "state",
        "decision",
        "created_at",
    )
    list_filter = ("state", "action", "is_exercise")

    def delete_model(self, request, obj):
        services.delete_suggestion(suggestion=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
