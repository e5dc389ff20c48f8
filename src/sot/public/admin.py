from django.contrib import admin
from django.core.exceptions import ValidationError

from sot.accounts import policy
from sot.public import services
from sot.public.forms import PublicMessageForm
from sot.public.models import GazetteerPlace, Postcode, PublicMessage
from sot.public.permissions import POST_MESSAGE


@admin.register(PublicMessage)
class PublicMessageAdmin(admin.ModelAdmin):
    form = PublicMessageForm
    list_display = (
        "text",
        "municipality",
        "point",
        "event",
        "published_at",
        "withdrawn_at",
    )
    list_filter = ("municipality",)
    search_fields = ("text", "text_en")
    readonly_fields = ("author",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithUser(form):
            user = request.user

        return WithUser

    # Every write goes through the public app's services (permission, author).
    def save_model(self, request, obj, form, change):
        services.save_message(actor=request.user, message=obj)

    def delete_model(self, request, obj):
        services.delete_message(actor=request.user, message=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return policy.filter_allowed(
            request.user,
            POST_MESSAGE,
            qs,
            municipality_path="municipality",
            point_path="point",
        )

    def has_module_permission(self, request):
        return policy.can(request.user, POST_MESSAGE)

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request):
        return policy.can(request.user, POST_MESSAGE)

    def has_change_permission(self, request, obj=None):
        return policy.can(request.user, POST_MESSAGE, obj)

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, policy.ADMINISTER)


class ReferenceAdmin(admin.ModelAdmin):
    """Gazetteer places and postcodes: every write goes through the public app's
    services (administrators only, coordinates checked)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class Checked(form):
            def _post_clean(self):
                super()._post_clean()
                if not self.errors:
                    try:
                        services.check_coordinates(self.instance)
                    except ValidationError as exc:
                        self.add_error(None, exc.messages)

        return Checked

    def save_model(self, request, obj, form, change):
        services.save_reference(actor=request.user, obj=obj)

    def delete_model(self, request, obj):
        services.delete_reference(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(GazetteerPlace)
class GazetteerPlaceAdmin(ReferenceAdmin):
    list_display = ("name", "kind", "municipality_code", "lat", "lon", "source")
    search_fields = ("name",)


@admin.register(Postcode)
class PostcodeAdmin(ReferenceAdmin):
    list_display = ("code", "locality", "lat", "lon")
    search_fields = ("code", "locality")
