"""Admin: events and checklist templates are edited on the operations pages; the
append-only records are shown read-only here for inspection."""

from django.contrib import admin

from sot.operations.models import (
    Activation,
    ChecklistTemplate,
    Event,
    FuelDelivery,
    LogEntry,
    StatusReport,
)
from sot.operations.services import checklists


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "county_code", "starts_at", "ends_at")
    list_filter = ("is_exercise", "kind", "county_code")


@admin.register(Activation)
class ActivationAdmin(ReadOnlyAdmin):
    list_display = ("point", "event", "state", "state_changed_at", "last_seen_at")
    list_filter = ("state",)


@admin.register(StatusReport)
class StatusReportAdmin(ReadOnlyAdmin):
    list_display = (
        "activation",
        "observed_at",
        "received_at",
        "state",
        "power_source",
        "source",
        "via_box",
    )
    list_filter = ("state", "source")


@admin.register(FuelDelivery)
class FuelDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("activation", "delivered_at", "delivered_l", "level_after_l")


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ("event", "at", "kind", "author_name", "text")
    list_filter = ("kind",)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "active")
    list_filter = ("kind", "active")

    # Every write goes through the checklist services (permission in one place).
    def save_model(self, request, obj, form, change):
        checklists.save_template_row(template=obj, by=request.user)

    def delete_model(self, request, obj):
        checklists.delete_template(template=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
