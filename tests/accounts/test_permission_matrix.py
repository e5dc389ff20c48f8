"""Role x action x object: every cell of the register's permission matrix is asserted,
through the policy and through the admin and the API that enforce it."""

import pytest

from sot.accounts import policy
from sot.accounts.models import ApiToken, Role, User
from sot.registry.models import Municipality, Organisation, Point

# Columns of the matrix: (action, target name)
COLUMNS = [
    (policy.VIEW_INTERNAL, "kall"),
    (policy.VIEW_INTERNAL, "valsjobyn"),
    (policy.CHANGE_POINT, "kall"),
    (policy.CHANGE_POINT, "valsjobyn"),
    (policy.ADD_POINT, "are"),
    (policy.ADD_POINT, "krokom"),
    (policy.DELETE_POINT, "kall"),
    (policy.DELETE_POINT, "valsjobyn"),
    (policy.CHANGE_MUNICIPALITY, "are"),
    (policy.VIEW_ORGANISATION, "are_org"),
    (policy.CHANGE_ORGANISATION, "are_org"),
    (policy.CHANGE_ORGANISATION, "krokom_org"),
]
# One row per user; 1 = allowed, 0 = refused, in the order of COLUMNS.
MATRIX = {
    "superuser": "111111111111",
    "coordinator": "111111111111",
    "other_coordinator": "000000000000",
    "national": "110000000100",
    "are_officer": "101010000110",
    "krokom_officer": "010101000001",
    "kall_operator": "100000000000",
    "public_user": "000000000000",
    "anonymous": "000000000000",
}


@pytest.fixture
def users(
    jamtland,
    superuser,
    coordinator,
    are_officer,
    krokom_officer,
    kall_operator,
    anonymous,
):
    """Every kind of caller, including a coordinator of another county."""
    other = User.objects.create(
        username="vasternorrland",
        role=Role.COUNTY_COORDINATOR,
        county_code="22",
        is_staff=True,
    )
    public = User.objects.create(username="medborgare", role=Role.PUBLIC)
    national = User.objects.update_or_create(  # the demo has an msb login too
        username="msb", defaults={"role": Role.NATIONAL, "is_staff": True}
    )[0]
    return {
        "superuser": superuser,
        "coordinator": coordinator,
        "other_coordinator": other,
        "national": national,
        "are_officer": are_officer,
        "krokom_officer": krokom_officer,
        "kall_operator": kall_operator,
        "public_user": public,
        "anonymous": anonymous,
    }


@pytest.fixture
def targets(jamtland):
    """The objects of the matrix: two points, two municipalities, two organisations."""
    return {
        "kall": Point.objects.get(slug="kall"),
        "valsjobyn": Point.objects.get(slug="valsjobyn"),
        "are": Municipality.objects.get(code="2321"),
        "krokom": Municipality.objects.get(code="2309"),
        "are_org": Organisation.objects.get(name="Åre kommun"),
        "krokom_org": Organisation.objects.get(name="Krokom kommun"),
    }


def test_matrix_is_complete():
    assert all(len(row) == len(COLUMNS) for row in MATRIX.values())


@pytest.mark.parametrize("who", list(MATRIX))
def test_policy_row(users, targets, who):
    """Each user's whole row: the policy's answer for every column, compared at once."""
    got = "".join(
        "1" if policy.can(users[who], action, targets[target]) else "0"
        for action, target in COLUMNS
    )
    assert got == MATRIX[who], [
        f"{a}:{t} expected {e} got {g}"
        for (a, t), e, g in zip(COLUMNS, MATRIX[who], got, strict=True)
        if e != g
    ]


def test_admin_officer_edits_own_point_not_another(
    client, are_officer, kall, valsjobyn
):
    client.force_login(are_officer)
    assert client.get(f"/admin/registry/point/{kall.pk}/change/").status_code == 200
    # Another municipality's point is not in the officer's admin at all.
    response = client.get(f"/admin/registry/point/{valsjobyn.pk}/change/")
    assert response.status_code == 302
    response = client.post(
        f"/admin/registry/point/{valsjobyn.pk}/change/", {"name": "Kapad"}
    )
    valsjobyn.refresh_from_db()
    assert valsjobyn.name == "Valsjöbyn"
    changelist = client.get("/admin/registry/point/").content.decode()
    assert "Kall" in changelist and "Valsjöbyn" not in changelist


def test_admin_operator_sees_own_point_read_only(client, kall_operator, kall):
    client.force_login(kall_operator)
    page = client.get(f"/admin/registry/point/{kall.pk}/change/")
    assert page.status_code == 200
    assert b'name="name"' not in page.content  # read-only: no input for the name
    assert client.get("/admin/registry/point/add/").status_code == 403


def test_admin_history_shows_who_and_before_after(client, are_officer, kall):
    from sot.registry.services import save_point

    save_point(
        actor=are_officer, point=kall, data={"opening_arrangements": "Dygnet runt"}
    )
    client.force_login(are_officer)
    page = client.get(f"/admin/registry/point/{kall.pk}/history/").content.decode()
    # The field by its Swedish name (not the code name), the new value, who did it.
    assert "öppethållande vid störning" in page.lower()
    assert "opening_arrangements" not in page
    assert "Dygnet runt" in page and "Åsa" in page


def test_api_token_carries_the_role(client, are_officer, kall, valsjobyn):
    _token, secret = ApiToken.issue(user=are_officer, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    ok = client.patch(
        "/api/v1/points/kall",
        {"name": "Kall centrum"},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["name"] == "Kall centrum"
    refused = client.patch(
        "/api/v1/points/valsjobyn",
        {"name": "X"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 403
    valsjobyn.refresh_from_db()
    assert valsjobyn.name == "Valsjöbyn"
    anonymous = client.patch(
        "/api/v1/points/kall", {"name": "X"}, content_type="application/json"
    )
    assert anonymous.status_code == 401
    bad = client.get("/api/v1/points", HTTP_AUTHORIZATION="Bearer sot_nope_nope")
    assert bad.status_code == 401


def test_national_role_reads_every_county_and_changes_nothing(client, jamtland):
    """MSB's role: the national overview and internal reads everywhere; no write
    action names it, and the county coordinator's overview stays its own county."""
    from sot.operations import permissions as ops_perm

    msb = User.objects.update_or_create(
        username="msb", defaults={"role": Role.NATIONAL, "is_staff": False}
    )[0]
    reading = {
        policy.VIEW_INTERNAL,
        policy.VIEW_ORGANISATION,
        policy.VIEW_PLANNING,
        policy.VIEW_NATIONAL,
        ops_perm.VIEW_EVENT,
    }
    for action, roles in policy.actions().items():
        assert (Role.NATIONAL in roles) == (action in reading), action
    other = Point.objects.get(slug="kall")
    assert policy.can(msb, policy.VIEW_INTERNAL, other)
    assert not policy.can(msb, policy.CHANGE_POINT, other)
    assert (
        Point.objects.filter(
            policy.scope_q(msb, municipality_path="municipality", point_path="")
        ).count()
        == Point.objects.count()
    )
    client.force_login(msb)
    assert client.get("/drift/").url == "/drift/nationellt/"
    page = client.get("/drift/nationellt/")
    assert page.status_code == 200
    assert "Jämtlands län" in page.content.decode()
    assert client.patch(
        "/api/v1/points/kall", {"name": "X"}, content_type="application/json"
    ).status_code in (401, 403)


def test_county_coordinator_gets_no_national_overview(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/drift/nationellt/").status_code == 403
