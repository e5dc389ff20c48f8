"""Who may do what, object by object.

Every view, API handler and admin page asks `can(user, action, target)`. An action
names the roles that may take it; the role's *scope* then decides whether the target
is theirs:

- county coordinator: everything whose municipality lies in their county;
- municipal officer: everything in their own municipality;
- point operator: their own points (and what belongs to those points);
- public: nothing beyond the public pages.

A superuser may do everything. A target tells its scope through `policy_scope()`,
returning a `Scope` (Point and Municipality implement it; other apps' models do the
same). Apps declare their own actions with `register_action` at import time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sot.accounts.models import Role, User

COORD = Role.COUNTY_COORDINATOR
OFFICER = Role.MUNICIPAL_OFFICER
OPERATOR = Role.POINT_OPERATOR


@dataclass(frozen=True)
class Scope:
    """Where an object belongs: its county, municipality and (if any) point."""

    county_code: str
    municipality_id: int | None = None
    point_id: int | None = None


_ACTIONS: dict[str, frozenset[str]] = {}


def register_action(action: str, *, roles: set[str] | frozenset[str]) -> str:
    """Declare an action and the roles that may take it (within their scope)."""
    roles = frozenset(str(r) for r in roles)
    if action in _ACTIONS and _ACTIONS[action] != roles:
        raise ValueError(f"action {action!r} declared twice with different roles")
    _ACTIONS[action] = roles
    return action


# The register's own actions.
VIEW_INTERNAL = register_action("point.view_internal", roles={COORD, OFFICER, OPERATOR})
CHANGE_POINT = register_action("point.change", roles={COORD, OFFICER})
ADD_POINT = register_action("point.add", roles={COORD, OFFICER})
DELETE_POINT = register_action("point.delete", roles={COORD})
CHANGE_MUNICIPALITY = register_action("municipality.change", roles={COORD})
VIEW_ORGANISATION = register_action(
    "organisation.view", roles={COORD, OFFICER, OPERATOR}
)
CHANGE_ORGANISATION = register_action("organisation.change", roles={COORD, OFFICER})
CHANGE_SERVICE_CATALOGUE = register_action("service.change", roles={COORD, OFFICER})
VIEW_PLANNING = register_action("planning.view", roles={COORD, OFFICER})


def actions() -> dict[str, frozenset[str]]:
    """Every declared action with its roles (for docs and the permission matrix)."""
    return dict(_ACTIONS)


def _active(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active
    )


def in_scope(user: User, scope: Scope) -> bool:
    """True if the object at `scope` lies within the user's scope."""
    if user.role == COORD:
        return bool(user.county_code) and scope.county_code == user.county_code
    if user.role == OFFICER:
        return (
            user.municipality_id is not None
            and scope.municipality_id == user.municipality_id
        )
    if user.role == OPERATOR:
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


def scope_q(user, *, municipality_path: str, point_path: str | None = None) -> Q:
    """A filter selecting the rows in the user's scope.

    `municipality_path` is the lookup from the queried model to its Municipality
    (e.g. "municipality" for Point, "point__municipality" for a report), `point_path` to
    its Point ("" for Point itself, None if the model has no point).
    """
    if not _active(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    if user.role == COORD and user.county_code:
        return Q(**{f"{municipality_path}__county_code": user.county_code})
    if user.role == OFFICER and user.municipality_id:
        return Q(**{f"{municipality_path}_id": user.municipality_id})
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
) -> QuerySet:
    """The rows of `queryset` on which `user` may take `action`."""
    if action not in _ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.role not in _ACTIONS[action]:
        return queryset.none()
    return queryset.filter(
        scope_q(user, municipality_path=municipality_path, point_path=point_path)
    )
