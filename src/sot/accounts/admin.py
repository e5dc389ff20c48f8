from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from sot.accounts import policy
from sot.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users are managed by superusers only."""

    list_display = (
        "username",
        "get_full_name",
        "role",
        "county_code",
        "municipality",
        "is_active",
    )
    list_filter = ("role", "county_code", "municipality", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Roll och omfattning"),
            {"fields": ("role", "county_code", "municipality", "points", "phone")},
        ),
    )
    filter_horizontal = ("groups", "user_permissions", "points")

    def has_module_permission(self, request):
        return policy.can(request.user, policy.ADMINISTER)

    def has_view_permission(self, request, obj=None):
        return policy.can(request.user, policy.ADMINISTER)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")

    def has_module_permission(self, request):
        return policy.can(request.user, policy.ADMINISTER)

    def has_add_permission(self, request):
        return False  # tokens are issued by `sot createuser --token` (shown once)
