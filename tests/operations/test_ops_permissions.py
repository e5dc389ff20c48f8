"""The permission matrix for every operations action, by role and scope.

Target: the Kall point (Åre) and the storm event in Åre. Krokom's officer is out of
scope; Kall's operator may report, deliver, log and tick, but not run the event.
"""

import pytest

from sot.accounts.policy import can
from sot.errors import Refused
from sot.operations import permissions as perm
from sot.operations import services as ops
from sot.operations.services import checklists, create_situation_report

OFFICIAL_ONLY = {
    perm.ADD_EVENT,
    perm.CHANGE_EVENT,
    perm.DELETE_EXERCISE,
    perm.ACTIVATE_POINT,
    perm.CREATE_SITREP,
    perm.VIEW_DASHBOARD,
    perm.CHANGE_CHECKLIST_TEMPLATE,
}
EVERYONE = {
    perm.VIEW_EVENT,
    perm.REPORT_STATUS,
    perm.RECORD_DELIVERY,
    perm.ADD_LOG,
    perm.TICK_CHECKLIST,
}
ROLES = ["coordinator", "are_officer", "krokom_officer", "kall_operator", "anonymous"]
EXPECTED = {
    # role: (official-only actions allowed, everyone actions allowed) on Kall/Åre
    "coordinator": (True, True),
    "are_officer": (True, True),
    "krokom_officer": (False, False),
    "kall_operator": (False, True),
    "anonymous": (False, False),
}


def test_every_action_is_in_the_matrix():
    from sot.accounts.policy import actions

    assert set(perm.OPERATIONS_ACTIONS) == OFFICIAL_ONLY | EVERYONE
    declared = actions()
    for action in perm.OPERATIONS_ACTIONS:
        assert action in declared
    # The app's module declares no action that is missing from the tuple.
    module_actions = {
        v
        for k, v in vars(perm).items()
        if k.isupper() and isinstance(v, str) and v in declared
    }
    assert module_actions == set(perm.OPERATIONS_ACTIONS)


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, request, storm, kall, kall_active):
    user = request.getfixturevalue(role)
    official, everyone = EXPECTED[role]
    target = {
        perm.ADD_EVENT: kall.municipality,
        perm.CHANGE_CHECKLIST_TEMPLATE: kall.municipality,
    }
    for action in sorted(OFFICIAL_ONLY | EVERYONE):
        expected = official if action in OFFICIAL_ONLY else everyone
        if action in (
            perm.VIEW_EVENT,
            perm.CHANGE_EVENT,
            perm.DELETE_EXERCISE,
            perm.CREATE_SITREP,
        ):
            got = can(user, action, storm)
        elif action == perm.VIEW_DASHBOARD:
            got = can(user, action)
            expected = role in ("coordinator", "are_officer", "krokom_officer")
        else:
            got = can(user, action, target.get(action, kall))
        assert got == expected, (role, action)


def _calls(storm, kall, kall_active):
    item = kall_active.checklists.get().items.first()
    return {
        perm.ADD_EVENT: lambda u: ops.create_event(
            name="x", kind="storm", municipalities=[kall.municipality], created_by=u
        ),
        perm.CHANGE_EVENT: lambda u: ops.update_public_message(
            event=storm, by=u, public_message="x"
        ),
        perm.ACTIVATE_POINT: lambda u: ops.activate_point(
            event=storm, point=kall, activated_by=u
        ),
        perm.REPORT_STATUS: lambda u: ops.submit_status_report(
            point=kall, event=storm, reported_by=u, source="web", state="open"
        ),
        perm.RECORD_DELIVERY: lambda u: ops.record_fuel_delivery(
            point=kall, event=storm, recorded_by=u, delivered_l=10
        ),
        perm.ADD_LOG: lambda u: ops.add_log_entry(event=storm, author=u, text="x"),
        perm.CREATE_SITREP: lambda u: create_situation_report(
            event=storm, created_by=u
        ),
        perm.TICK_CHECKLIST: lambda u: checklists.tick_item(item=item, by=u),
        perm.CHANGE_CHECKLIST_TEMPLATE: lambda u: checklists.save_template(
            municipality=kall.municipality,
            kind="activation",
            name="x",
            items=["a"],
            by=u,
        ),
    }


@pytest.mark.parametrize("role", ["krokom_officer", "kall_operator"])
def test_service_functions_enforce_the_matrix(role, request, storm, kall, kall_active):
    user = request.getfixturevalue(role)
    official, everyone = EXPECTED[role]
    for action, call in _calls(storm, kall, kall_active).items():
        allowed = official if action in OFFICIAL_ONLY else everyone
        if allowed:
            try:
                call(user)
            except Refused:  # pragma: no cover - the failure case
                pytest.fail(f"{role} refused {action}")
            except (ops.OperationRefused, ValueError):
                pass  # allowed, refused by a rule instead
        else:
            with pytest.raises(Refused):
                call(user)
