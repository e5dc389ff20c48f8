"""The operations app's actions, registered with the accounts policy.

| action | who (within their scope) |
|---|---|
| ``event.view`` | coordinator, officer, operator, national (read-only, every county) |
| ``event.add`` / ``event.change`` / ``event.delete_exercise`` | coordinator, officer |
| ``point.activate`` | coordinator, officer |
| ``point.report`` (status reports, "still current", closing) | coordinator, officer, operator |
| ``fuel.delivery`` | coordinator, officer, operator |
| ``log.add`` | coordinator, officer, operator |
| ``sitrep.create`` / ``dashboard.view`` | coordinator, officer |
| ``checklist.template_change`` | coordinator, officer |
| ``checklist.tick`` | coordinator, officer, operator |

An event spans several municipalities, so its scope is not one municipality:
``Event.policy_scope`` lets a coordinator act on events of their county, an officer on
events that include their municipality, and an operator on events in which one of
their points is activated. Check with ``sot.accounts.policy.can``/``require``; list
events with :data:`EVENT_PATHS` and ``policy.filter_allowed``.
"""

from __future__ import annotations

from sot.accounts.policy import COORD, NATIONAL, OFFICER, OPERATOR, register_action

ALL = {COORD, OFFICER, OPERATOR}
OFFICIALS = {COORD, OFFICER}

VIEW_EVENT = register_action("event.view", roles=ALL | {NATIONAL})
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


#: The lookups from Event to its scope, for ``policy.filter_allowed``.
EVENT_PATHS = {
    "county_path": "county_code",
    "municipality_path": "municipalities",
    "point_path": "activations__point",
}
