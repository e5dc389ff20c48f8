"""The operations app's actions, registered with the accounts policy.

| action | who (within their scope) |
|---|---|
| ``event.view`` | coordinator, officer, operator |
| ``event.add`` / ``event.change`` / ``event.delete_exercise`` | coordinator, officer |
| ``point.activate`` | coordinator, officer |
| ``point.report`` (status reports, "still current", closing) | coordinator, officer, operator |
| ``fuel.delivery`` | coordinator, officer, operator |
| ``log.add`` | coordinator, officer, operator |
| ``sitrep.create`` / ``dashboard.view`` | coordinator, officer |
| ``checklist.template_change`` | coordinator, officer |
| ``checklist.tick`` | coordinator, officer, operator |

An event spans several municipalities, so its scope is not one municipality:
:func:`can_on_event` lets a coordinator act on events of their county, an officer on
events that include their municipality, and an operator on events in which one of
their points is activated.
"""

from __future__ import annotations

from sot.accounts.policy import COORD, OFFICER, OPERATOR, can, register_action

ALL = {COORD, OFFICER, OPERATOR}
OFFICIALS = {COORD, OFFICER}

VIEW_EVENT = register_action("event.view", roles=ALL)
ADD_EVENT = register_action("event.add", roles=OFFICIALS)
CHANGE_EVENT = register_action("event.change", roles=OFFICIALS)
DELETE_EXERCISE = register_action("event.delete_exercise", roles=OFFICIALS)
ACTIVATE_POINT = register_action("point.activate", roles=OFFICIALS)
REPORT_STATUS = register_action("point.report", roles=ALL)
RECORD_DELIVERY = register_action("fuel.delivery", roles=ALL)
ADD_LOG = register_action("log.add", roles=ALL)
CREATE_SITREP = register_action("sitrep.create", roles=OFFICIALS)
VIEW_DASHBOARD = register_action("dashboard.view", roles=OFFICIALS)
CHANGE_CHECKLIST_TEMPLATE = register_action(
    "checklist.template_change", roles=OFFICIALS
)
TICK_CHECKLIST = register_action("checklist.tick", roles=ALL)

#: Every action this app declares (the permission-matrix test covers each).
OPERATIONS_ACTIONS = (
    VIEW_EVENT,
    ADD_EVENT,
    CHANGE_EVENT,
    DELETE_EXERCISE,
    ACTIVATE_POINT,
    REPORT_STATUS,
    RECORD_DELIVERY,
    ADD_LOG,
    CREATE_SITREP,
    VIEW_DASHBOARD,
    CHANGE_CHECKLIST_TEMPLATE,
    TICK_CHECKLIST,
)


def can_on_event(user, action: str, event) -> bool:
    """May ``user`` take ``action`` on the event as a whole?"""
    if not can(user, action):
        return False
    if user.is_superuser:
        return True
    if user.role == COORD:
        return bool(user.county_code) and user.county_code == event.county_code
    if user.role == OFFICER:
        return (
            user.municipality_id is not None
            and event.municipalities.filter(pk=user.municipality_id).exists()
        )
    if user.role == OPERATOR:
        return event.activations.filter(point__in=user.points.all()).exists()
    return False


class PermissionRefused(PermissionError):
    """The user may not take this action on this target."""

    def __init__(self, action: str):
        self.action = action
        super().__init__(f"not allowed: {action}")


def require(user, action: str, target=None) -> None:
    """Raise :class:`PermissionRefused` unless ``can(user, action, target)``."""
    if user is None:
        return  # the system itself (freshness check, demo loader)
    if not can(user, action, target):
        raise PermissionRefused(action)


def require_on_event(user, action: str, event) -> None:
    """Raise :class:`PermissionRefused` unless :func:`can_on_event`."""
    if user is None:
        return
    if not can_on_event(user, action, event):
        raise PermissionRefused(action)
