"""Template filters for the operations pages."""

from django import template

from sot.operations.core.freshness import format_age
from sot.operations.core.sitrep import format_hours

register = template.Library()


@register.filter
def age(value):
    """Swedish short age of a timedelta ("3 h 5 min")."""
    return format_age(value)


@register.filter
def hours(value):
    """Fuel hours as whole hours ("31 h")."""
    return "" if value is None else format_hours(value)
