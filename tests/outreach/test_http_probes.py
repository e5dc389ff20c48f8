"""Authorisation probes over HTTP, as an attacker with a valid account would try
them: every action outside the caller's scope is refused (403/404), nothing
changes (#12). The full role x action matrix of the rules is in
test_permission_matrix.py; these go through the real URLs."""

import json

import pytest

from sot.accounts.models import ApiToken
from sot.operations.models import StatusReport
from sot.outreach.models import CallOut, Member
from sot.registry.models import Point

pytestmark = pytest.mark.db


def _bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=user, name='p')[1]}"}


def _probes(event_id, member_id, kall_id):
    """(method, url, body) of actions on Åre's Kall and Åre's roster."""
    ev = f"/api/v1/operations/events/{event_id}"
    return [
        ("post", f"{ev}/points/kall/reports", {"state": "closed", "state_reason": "x"}),
        ("post", f"{ev}/points/kall/confirm", {}),
        ("post", f"{ev}/points/kall/deliveries", {"delivered_l": 100}),
        ("post", f"{ev}/activations", {"point_id": "kall"}),
        ("post", f"{ev}/end", {"reason": "x"}),
        ("post", f"{ev}/log", {"text": "x", "point_id": "kall"}),
        ("post", "/api/v1/notify/callouts", {"point": "kall", "needed": 2}),
        ("delete", f"/api/v1/notify/roster/{member_id}", None),
        ("patch", "/api/v1/points/kall", {"name": "Hacked"}),
        ("get", "/api/v1/notify/roster?municipality=2321", None),
    ]


def test_krokom_officer_cannot_touch_are(client, kall_active, krokom_officer, frg):
    anna = Member.objects.get(phone="+46701740605")
    kall = Point.objects.get(slug="kall")
    headers = _bearer(krokom_officer)
    answers = {}
    for method, url, body in _probes(kall_active.event_id, anna.pk, kall.pk):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        data = json.dumps(body) if body is not None else None
        call = getattr(client, method)
        r = call(url, data, **kwargs, **headers) if data else call(url, **headers)
        answers[f"{method} {url}"] = r.status_code
    allowed = {k: v for k, v in answers.items() if v not in (403, 404)}
    # the roster list answers 200 but must hold nobody from Åre
    roster = allowed.pop("get /api/v1/notify/roster?municipality=2321", None)
    assert allowed == {}, allowed
    if roster is not None:
        r = client.get("/api/v1/notify/roster?municipality=2321", **headers)
        assert all(m.get("municipality") != "2321" for m in r.json())
    assert not StatusReport.objects.exists()
    assert not CallOut.objects.exists()
    assert Member.objects.filter(pk=anna.pk).exists()
    assert Point.objects.get(pk=kall.pk).name == "Kall"
    # and over the officials' pages and the admin
    client.force_login(krokom_officer)
    for url in (
        f"/drift/handelser/{kall_active.event_id}/punkter/kall/rapport/",
        f"/utskick/aktiveringar/{kall_active.pk}/utrop/",
        f"/admin/registry/point/{kall.pk}/change/",
        f"/admin/outreach/member/{anna.pk}/change/",
    ):
        assert client.get(url).status_code in (302, 403, 404), url


def test_operator_cannot_act_as_an_official(client, kall_active, kall_operator, frg):
    anna = Member.objects.get(phone="+46701740605")
    headers = _bearer(kall_operator)
    for method, url, body in _probes(kall_active.event_id, anna.pk, 0):
        if url.endswith(("/reports", "/confirm", "/deliveries", "/log")) or (
            method == "get"
        ):
            continue  # an operator reports for their point and sees the roster
        kwargs = {"content_type": "application/json"} if body is not None else {}
        data = json.dumps(body) if body is not None else None
        call = getattr(client, method)
        r = call(url, data, **kwargs, **headers) if data else call(url, **headers)
        assert r.status_code in (403, 404), (method, url, r.status_code)
    assert not CallOut.objects.exists()
