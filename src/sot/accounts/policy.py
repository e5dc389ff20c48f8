"""Who may do what, object by object: the only place that looks at roles.

Every view, API handler, admin page and service asks `can(user, action, target)` (a
yes/no for showing a button) or `require(user, action, target)` (raises
:class:`sot.errors.Refused`, HTTP 403), and lists rows through
`filter_allowed(user, action, queryset, ...)`, the scoped-queryset helper. An action
names the roles that may take it; the role's *scope* then decides whether the target
is theirs:

- county coordinator: everything whose municipality lies in their county;
- municipal officer: everything in their own municipality;
- point operator: their own points (and what belongs to those points);
- national (MSB): every county, but only the reading actions name this role;
- public: nothing beyond the public pages.

A superuser may do everything; an action declared with no roles is the superuser's
alone. A target tells its scope through `policy_scope()`, returning a `Scope` (Point and
Municipality implement it; other apps' models do the same; an event, which spans several
municipalities, names them in `Scope.municipalities`). Apps declare their own actions
with `register_action` at import time. `user=None` in `require` means the system itself
(CLI imports, demo data, the scheduler) and is always allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sot.accounts.models import Role, User
from sot.errors import Refused

COORD = Role.COUNTY_COORDINATOR
OFFICER = Role.MUNICIPAL_OFFICER
OPERATOR = Role.POINT_OPERATOR
#: Read-only across every county (MSB): granted only reading actions.
NATIONAL = Role.NATIONAL


@dataclass(frozen=True)
class Scope:
    """Where an object belongs: its county, municipality and (if any) point."""

    county_code: str
    municipality_id: int | None = None
    point_id: int | None = None
    #: For an object spanning several municipalities (an event): a queryset of them,
    #: and of the points taking part; used instead of municipality_id and point_id.
    municipalities: QuerySet | None = None
    points: QuerySet | None = None


_ACTIONS: dict[str, frozenset[str]] = {}


def register_action(action: str, *, roles: set[str] | frozenset[str]) -> str:
    """Declare an action and the roles that may take it (within their scope)."""
    roles = frozenset(str(r) for r in roles)
    if action in _ACTIONS and _ACTIONS[action] != roles:
        raise ValueError(f"action {action!r} declared twice with different roles")
    _ACTIONS[action] = roles
    return action


# The register's own actions.
VIEW_INTERNAL = register_action(
    "point.view_internal", roles={COORD, OFFICER, OPERATOR, NATIONAL}
)
CHANGE_POINT = register_action("point.change", roles={COORD, OFFICER})
ADD_POINT = register_action("point.add", roles={COORD, OFFICER})
DELETE_POINT = register_action("point.delete", roles={COORD})
CHANGE_MUNICIPALITY = register_action("municipality.change", roles={COORD})
VIEW_ORGANISATION = register_action(
    "organisation.view", roles={COORD, OFFICER, OPERATOR, NATIONAL}
)
CHANGE_ORGANISATION = register_action("organisation.change", roles={COORD, OFFICER})
CHANGE_SERVICE_CATALOGUE = register_action("service.change", roles={COORD, OFFICER})
VIEW_PLANNING = register_action("planning.view", roles={COORD, OFFICER, NATIONAL})
#: The national overview (every county): the national role.
VIEW_NATIONAL = register_action("national.view", roles={NATIONAL})
#: The change history of the register.
VIEW_HISTORY = register_action("history.view", roles={COORD})
#: Users, tokens, counties and other things for the whole installation.
ADMINISTER = register_action("system.administer", roles=set())


def actions() -> dict[str, frozenset[str]]:
    """Every declared action with its roles (for docs and the permission matrix)."""
    return dict(_ACTIONS)


def _active(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active
    )


def in_scope(user: User, scope: Scope) -> bool:
    """True if the object at `scope` lies within the user's scope."""
    if user.role == NATIONAL:
        return True  # every county; only reading actions name this role
    if user.role == COORD:
        return bool(user.county_code) and scope.county_code == user.county_code
    if user.role == OFFICER:
        if user.municipality_id is None:
            return False
        if scope.municipalities is not None:
            return scope.municipalities.filter(pk=user.municipality_id).exists()
        return scope.municipality_id == user.municipality_id
    if user.role == OPERATOR:
        if scope.points is not None:
            return scope.points.filter(pk__in=user.points.values("pk")).exists()
        if scope.point_id is None:
            return False
        return user.points.filter(pk=scope.point_id).exists()
    return False


def can(user, action: str, target=None) -> bool:
    """May `user` take `action` on `target` (or, with no target, on anything at all)?"""
    if action not in _ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.role not in _ACTIONS[action]:
        return False
    if target is None:
        return True
    return in_scope(user, target.policy_scope())


def require(user, action: str, target=None) -> None:
    """Raise :class:`Refused` (403) unless `can(user, action, target)`.

    `user=None` is the system itself (CLI, demo loader, scheduled work): allowed.
    """
    if user is None:
        return
    if not can(user, action, target):
        raise Refused(f"not allowed: {action}", code="refused")


def is_national(user) -> bool:
    """True for the national read-only role (whose home is the national overview)."""
    return _active(user) and not user.is_superuser and user.role == NATIONAL


def is_point_operator(user) -> bool:
    """True for a point operator (who sees their own points, not the dashboard)."""
    return _active(user) and not user.is_superuser and user.role == OPERATOR


def operated_points(user) -> QuerySet:
    """The points a user runs: an operator's own; every point for a superuser."""
    points = User._meta.get_field("points").related_model.objects
    if not _active(user):
        return points.none()
    return points.all() if user.is_superuser else user.points.all()


def home_county(user) -> str:
    """The county a user works in (an officer's through their municipality)."""
    if user.county_code:
        return user.county_code
    return user.municipality.county_code if user.municipality_id else ""


def scope_q(
    user,
    *,
    municipality_path: str,
    point_path: str | None = None,
    county_path: str | None = None,
) -> Q:
    """A filter selecting the rows in the user's scope.

    `municipality_path` is the lookup from the queried model to its Municipality
    (e.g. "municipality" for Point, "point__municipality" for a report, "" for
    Municipality itself, "municipalities" for an event), `point_path` to its Point
    ("" for Point itself, None if the model has no point), `county_path` to its county
    code (default: the municipality's).
    """
    if not _active(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    if county_path is None:
        county_path = (
            f"{municipality_path}__county_code" if municipality_path else "county_code"
        )
    if user.role == NATIONAL:
        return Q()
    if user.role == COORD and user.county_code:
        return Q(**{county_path: user.county_code})
    if user.role == OFFICER and user.municipality_id:
        return Q(**{municipality_path or "pk": user.municipality_id})
    if user.role == OPERATOR and point_path is not None:
        key = f"{point_path}__in" if point_path else "pk__in"
        return Q(**{key: user.points.values("pk")})
    return Q(pk__in=[])


def filter_allowed(
    user,
    action: str,
    queryset: QuerySet,
    *,
    municipality_path: str,
    point_path: str | None = None,
    county_path: str | None = None,
) -> QuerySet:
    """The rows of `queryset` on which `user` may take `action` (the scoped queryset).

    The paths are those of :func:`scope_q`; a path through a many-to-many relation
    (an event's municipalities or activations) gives distinct rows.
    """
    if action not in _ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.role not in _ACTIONS[action]:
        return queryset.none()
    qs = queryset.filter(
        scope_q(
            user,
            municipality_path=municipality_path,
            point_path=point_path,
            county_path=county_path,
        )
    )
    return qs.distinct() if _many(queryset.model, municipality_path, point_path) else qs


def _many(model, *paths: str | None) -> bool:
    """Does any lookup path cross a many-to-many or reverse relation?"""
    for path in paths:
        current = model
        for part in (path or "").split("__"):
            if not part or part == "pk":
                break
            field = current._meta.get_field(part)
            if field.many_to_many or field.one_to_many:
                return True
            if field.related_model is None:
                break
            current = field.related_model
    return False
