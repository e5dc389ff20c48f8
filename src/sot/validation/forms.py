"""Form fields with the bounds of :mod:`sot.validation.bounds`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sot.validation import bounds


def no_control_characters(value: str) -> None:
    """Refuse NUL and other control characters (tab and newlines are fine)."""
    bad = bounds.forbidden_character(value or "", multiline=True)
    if bad is not None:
        raise ValidationError(
            _("Texten innehåller ett otillåtet tecken (U+%(code)04X).")
            % {"code": ord(bad)}
        )


def text(max_len: int, *, multiline: bool = False, **kwargs) -> forms.CharField:
    """A text field of at most ``max_len`` characters without control characters."""
    if multiline:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    return forms.CharField(
        max_length=max_len, validators=[no_control_characters], **kwargs
    )


def number(limit: bounds.Range, **kwargs) -> forms.FloatField:
    """A finite decimal number within ``limit`` (Django refuses NaN and infinity)."""
    return forms.FloatField(min_value=limit.low, max_value=limit.high, **kwargs)


def whole(limit: bounds.Range, **kwargs) -> forms.IntegerField:
    """A whole number within ``limit``."""
    return forms.IntegerField(
        min_value=int(limit.low), max_value=int(limit.high), **kwargs
    )
