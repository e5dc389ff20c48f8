from contextvars import ContextVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from sot.accounts import policy, services
from sot.accounts.models import ApiToken, User
from sot.errors import Refused

#: The user acting in the admin's password page (its form is built without the
#: request).
_ACTOR: ContextVar = ContextVar("sot_accounts_admin_actor", default=None)


class PasswordForm(AdminPasswordChangeForm):
    """The admin's password form, saved through services.save_password."""

    def save(self, commit=True):
        actor = _ACTOR.get()
        if actor is None:
            raise Refused("the password form is saved by the admin's password page")
        return services.save_password(actor=actor, user=super().save(commit=False))


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
    change_password_form = PasswordForm

    def has_module_permission(self, request):
        return policy.can(request.user, policy.ADMINISTER)

    def has_view_permission(self, request, obj=None):
        return policy.can(request.user, policy.ADMINISTER)

    # Every write goes through the accounts services (permission, log).
    def save_model(self, request, obj, form, change):
        pass  # written in save_related, with the groups, permissions and points

    def save_related(self, request, form, formsets, change):
        m2m = {
            name: list(form.cleaned_data[name])
            for name in ("groups", "user_permissions", "points")
            if name in form.cleaned_data
        }
        services.save_user(actor=request.user, user=form.instance, **m2m)

    def user_change_password(self, request, id, form_url=""):
        token = _ACTOR.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _ACTOR.reset(token)

    def delete_model(self, request, obj):
        services.delete_user(actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")

    def has_module_permission(self, request):
        return policy.can(request.user, policy.ADMINISTER)

    def has_add_permission(self, request):
        return False  # tokens are issued by `sot createuser --token` (shown once)

    def save_model(self, request, obj, form, change):
        services.save_token(actor=request.user, token=obj)

    def delete_model(self, request, obj):
        services.delete_token(actor=request.user, token=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
