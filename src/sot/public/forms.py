"""The form the municipal officer posts a public message with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sot.accounts import policy
from sot.public.models import PublicMessage
from sot.public.permissions import POST_MESSAGE
from sot.registry.models import Municipality, Point


class PublicMessageForm(forms.ModelForm):
    """Text (300 characters, Swedish; English optional), for a municipality, optionally
    one point and/or one event. ``user`` (set by the admin or view) limits the choices
    to the user's scope."""

    user = None

    class Meta:
        model = PublicMessage
        fields = [
            "municipality",
            "point",
            "event",
            "text",
            "text_en",
            "published_at",
            "expires_at",
            "withdrawn_at",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
            "text_en": forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
        }
        help_texts = {
            "text": _(
                "Kort och konkret, t.ex. ”Diesel endast till räddningstjänst till kl 18”."
            ),
        }

    def __init__(self, *args, **kwargs):
        user = kwargs.pop("user", None) or self.user
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            self.fields["municipality"].queryset = policy.filter_allowed(
                user, POST_MESSAGE, Municipality.objects.all(), municipality_path=""
            )
            self.fields["point"].queryset = Point.objects.filter(
                municipality__in=self.fields["municipality"].queryset
            )

    def clean(self):
        data = super().clean()
        muni = data.get("municipality")
        if (
            muni is not None
            and self.user is not None
            and not policy.can(self.user, POST_MESSAGE, muni)
        ):
            raise forms.ValidationError(_("Du får inte skriva för den kommunen."))
        return data
