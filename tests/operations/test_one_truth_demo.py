"""Issue #11 "Done when", on the demo: a real event takes Kall from "Övning Storm"."""

import json

from lxml import etree

from sot.operations import demo as ops_demo
from sot.operations import services as ops
from sot.operations.models import Activation, LogEntry, StatusReport
from sot.outreach.models import Message
from sot.public import demo as public_demo
from sot.public import feeds, site
from sot.registry.models import Municipality

CAP = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}


def client_officer_rows(client, officer) -> str:
    """The officers' overview as ``officer`` sees it (the client signs out after)."""
    client.force_login(officer)
    try:
        return client.get("/drift/oversikt/").content.decode()
    finally:
        client.logout()


def test_real_event_takes_kall_from_the_exercise(
    client, are_officer, kall, django_capture_on_commit_callbacks
):
    from sot.outreach import demo as frg
    from sot.outreach.inbound import handle_inbound_sms

    frg.load()
    exercise = ops_demo.load()
    public_demo.load()
    before = client.get("/punkt/kall/").content.decode()
    assert "ÖVNING" in before and "endast räddningstjänst" in before

    with django_capture_on_commit_callbacks(execute=True):
        real = ops.create_event(
            name="Storm Ivar",
            kind="storm",
            municipalities=[Municipality.objects.get(code="2321")],
            created_by=are_officer,
        )
        ops.activate_point(event=real, point=kall, activated_by=are_officer)

    # the exercise activation rests, logged, and the exercise lead is told
    ex_act = Activation.objects.get(event=exercise, point=kall)
    assert ex_act.suspended_at is not None and ex_act.suspended_for == real
    assert LogEntry.objects.filter(
        event=exercise, point=kall, text__contains="vilar i övningen"
    ).exists()
    assert Message.objects.filter(purpose="exercise_suspended").exists()
    # found on the walk: the officers' overview listed the point twice as "Larmad",
    # once per event, without saying that the exercise's activation rests
    rows = client_officer_rows(client, are_officer).split("<tr>")
    kall_rows = [r for r in rows if ">Kall</a>" in r]
    ex_row = [r for r in kall_rows if f'href="/drift/handelser/{exercise.pk}/"' in r]
    real_row = [r for r in kall_rows if f'href="/drift/handelser/{real.pk}/"' in r]
    assert len(ex_row) == 1 and len(real_row) == 1
    assert "Vilar" in ex_row[0] and "Storm Ivar går före" in ex_row[0]
    assert "Vilar" not in real_row[0]

    # Kall's page, snapshot, GeoJSON and CAP show the real event only
    page = client.get("/punkt/kall/").content.decode()
    files = site.build_files()
    snap = files["punkt/kall/index.html"].decode()
    for html in (page, snap):
        assert "Storm Ivar" in html
        assert "ÖVNING" not in html and "Övning Storm" not in html
        assert "räddningstjänst" not in html  # the exercise's restriction is gone
    start = client.get("/").content.decode()
    # no exercise banner while a real event runs; Kall's row is the real event's;
    # Hallen and Ottsjö, still only in the exercise, stay marked ÖVNING
    assert "en övning, inte en verklig händelse" not in start
    assert "Storm Ivar" in start and "Övning Storm" not in start
    kall_row = start.split('href="/punkt/kall/"')[1].split("</li>")[0]
    assert "ÖVNING" not in kall_row
    geo = json.loads(client.get("/punkter.geojson").content)
    kall_f = next(f for f in geo["features"] if f["id"] == "kall")
    assert kall_f["properties"]["event"] == "Storm Ivar"
    assert not kall_f["properties"]["exercise"]
    assert kall_f["properties"]["restrictions"] == []
    # CAP: the exercise's chain for Kall ends with a Cancel (status Exercise) when
    # the real event took it, so a consumer holding its alert drops it; nothing of
    # the exercise after that, and the real event's messages say nothing of it
    kall_cap = [m for m in feeds.cap_messages() if m.point_slug == "kall"]
    drill = [m for m in kall_cap if m.event_id == str(exercise.pk)]
    assert drill and all(m.status == "Exercise" for m in drill)
    assert drill[-1].msg_type == "Cancel" and drill[-1].sent == ex_act.suspended_at
    real_cap = [m for m in kall_cap if m.event_id == str(real.pk)]
    assert all(m.status == "Actual" and b"vning" not in m.xml for m in real_cap)

    # the operator's SMS lands in the real event and the receipt says so
    with django_capture_on_commit_callbacks(execute=True):
        result = handle_inbound_sms(
            provider_id="done-1", sender=frg.OPERATOR_PHONE, body="KALL ÖPPEN DIESEL JA"
        )
    assert result.outcome == "status report for kall"
    latest = StatusReport.objects.filter(activation__point=kall).first()
    assert latest.activation.event == real
    assert "(Storm Ivar)" in result.reply
    kall_cap = [m for m in feeds.cap_messages() if m.point_slug == "kall"]
    assert kall_cap and kall_cap[-1].status == "Actual"
    doc = etree.fromstring(kall_cap[-1].xml)
    assert doc.find("c:incidents", CAP).text == '"Storm Ivar"'

    # Hallen (stale in the exercise) shows its services as unknown, nothing "Finns"
    hallen = client.get("/punkt/hallen/").content.decode()
    assert "Okänt läge" in hallen and "Inga aktuella uppgifter" in hallen
    assert ">Finns<" not in hallen
    hallen_f = next(f for f in geo["features"] if f["id"] == "hallen")
    assert set(hallen_f["properties"]["service_status"].values()) == {"unknown"}

    # ending the exercise withdraws its restriction everywhere, for good
    ops.end_event(event=exercise, by=are_officer, reason="Övningen klar")
    for path in ("/punkt/kall/", "/meddelanden/", "/punkter.geojson"):
        assert "räddningstjänst" not in client.get(path).content.decode()
    ops.end_event(event=real, by=are_officer, reason="Strömmen tillbaka")
    assert "räddningstjänst" not in client.get("/punkt/kall/").content.decode()


def test_delivery_larger_than_the_free_tank_is_refused_with_the_numbers(
    kall, are_officer, kall_operator
):
    """Kall's tank holds 1 000 l; at about 900 l an 800 l delivery cannot fit."""
    import pytest

    from sot.errors import SotError

    event = ops.create_event(
        name="Storm Ivar",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
    )
    ops.activate_point(event=event, point=kall, activated_by=are_officer)
    tank_l = kall.backup_power.tank_l
    ops.submit_status_report(
        point=kall,
        event=event,
        reported_by=kall_operator,
        source="web",
        state="open",
        power_source="generator",
        generator_fuel_l=tank_l - 100,
        generator_load_pct=50,
    )
    with pytest.raises(SotError) as refused:
        ops.record_fuel_delivery(
            point=kall, event=event, recorded_by=kall_operator, delivered_l=800
        )
    assert refused.value.code == "tank_overfull"
    assert (
        "800 l" in refused.value.message
        and f"{round(tank_l)} l" in refused.value.message
    )
    # what fits is accepted
    ops.record_fuel_delivery(
        point=kall, event=event, recorded_by=kall_operator, delivered_l=90
    )


def test_officials_see_the_operators_comment(client, kall, are_officer, kall_operator):
    """The comment to the municipality shows in the logbook, on the point page and
    the dashboard."""
    event = ops.create_event(
        name="Storm Ivar",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
    )
    ops.activate_point(event=event, point=kall, activated_by=are_officer)
    ops.submit_status_report(
        point=kall,
        event=event,
        reported_by=kall_operator,
        source="web",
        state="open",
        note="Taket läcker i matsalen",
    )
    assert LogEntry.objects.filter(
        event=event, text__contains="Kommentar till kommunen: Taket läcker"
    ).exists()
    client.force_login(are_officer)
    for url in (f"/drift/handelser/{event.pk}/punkter/kall/", "/drift/oversikt/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Taket läcker i matsalen" in page.content.decode(), url
    page = client.get(f"/drift/handelser/{event.pk}/punkter/kall/").content.decode()
    assert "nyss sedan" not in page
