"""CAP on the demo data ("Övning Storm"): Alert, Update and Cancel chains, valid
against the OASIS CAP 1.2 schema with xmlschema, in the language each block
declares (#14)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

A = "{http://www.w3.org/2005/Atom}"
C = "{urn:oasis:names:tc:emergency:cap:1.2}"


@pytest.fixture
def cap_xsd(shared_data):
    """The OASIS CAP 1.2 schema (../shared/data), loaded by xmlschema."""
    xmlschema = pytest.importorskip("xmlschema")
    path = shared_data / "feeds" / "cap" / "CAP-v1.2.xsd"
    if not path.exists():
        pytest.skip(f"{path} absent")
    return xmlschema.XMLSchema(str(path))


@pytest.fixture
def storm(jamtland):
    """The demo exercise "Övning Storm": Kall open, limited, open; Hallen stale."""
    from sot.operations import demo

    return demo.load()


def _messages(client):
    feed = ET.fromstring(client.get("/feeds/cap.atom").content)
    out = []
    for entry in feed.findall(f"{A}entry"):
        href = entry.find(f"{A}link[@type='application/cap+xml']").get("href")
        path = href.removeprefix("https://sot.example.se")
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/cap+xml; charset=utf-8"
        out.append(response.content)
    return out


def _chain(docs, slug):
    chain = [d for d in docs if f".{slug}." in d.find(f"{C}identifier").text]
    return sorted(chain, key=lambda d: d.find(f"{C}sent").text)


def test_demo_has_alerts_and_updates_then_a_cancel(client, storm, cap_xsd):
    from sot.accounts.models import User
    from sot.operations import services as ops
    from sot.registry.models import Point

    raw = _messages(client)
    for xml in raw:
        cap_xsd.validate(xml.decode())
    docs = [ET.fromstring(x) for x in raw]
    kall = _chain(docs, "kall")
    assert [d.find(f"{C}msgType").text for d in kall] == ["Alert", "Update", "Update"]
    hallen = _chain(docs, "hallen")
    assert [d.find(f"{C}msgType").text for d in hallen] == ["Alert", "Update"]
    assert all(d.find(f"{C}status").text == "Exercise" for d in docs)

    ops.submit_status_report(
        point=Point.objects.get(slug="kall"),
        event=storm,
        reported_by=User.objects.get(username="kall"),
        source="web",
        state="closed",
        state_reason="Elen är tillbaka",
    )
    raw = _messages(client)
    for xml in raw:
        cap_xsd.validate(xml.decode())
    kall = _chain([ET.fromstring(x) for x in raw], "kall")
    assert [d.find(f"{C}msgType").text for d in kall] == [
        "Alert",
        "Update",
        "Update",
        "Cancel",
    ]
    cancel = kall[-1]
    refs = cancel.find(f"{C}references").text.split()
    assert [r.split(",")[1] for r in refs] == [
        d.find(f"{C}identifier").text for d in kall[:3]
    ]


def test_demo_messages_speak_the_language_they_declare(client, storm):
    docs = [ET.fromstring(x) for x in _messages(client)]
    (alert,) = [
        d for d in _chain(docs, "kall") if d.find(f"{C}msgType").text == "Alert"
    ]
    assert alert.find(f"{C}incidents").text == '"Övning Storm"'
    sv, en = alert.findall(f"{C}info")
    assert sv.find(f"{C}language").text == "sv-SE"
    assert en.find(f"{C}language").text == "en-US"
    sv_text = sv.find(f"{C}description").text
    assert "Värme: finns" in sv_text or "Värmestuga: finns" in sv_text
    assert "Diesel: finns" in sv_text
    for english in ("Heating", "Food", "Fuel", "petrol", "available"):
        assert english not in sv_text, english
    assert "available" in en.find(f"{C}description").text
    for info in (sv, en):
        assert info.find(f"{C}expires").text > info.find(f"{C}effective").text
        area = info.find(f"{C}area")
        assert area.find(f"{C}areaDesc").text.startswith("Kall, Åre")
        assert area.find(f"{C}circle").text.endswith(" 1.0")
        assert area.find(f"{C}geocode/{C}value").text == "2321"


def test_a_real_event_cancels_the_exercise_chain_and_history_keeps_it(
    client, storm, cap_xsd, are_officer
):
    """A real event takes Kall from "Övning Storm": the exercise's chain ends with a
    Cancel (status Exercise, referencing the chain) at that moment, instead of the
    chain vanishing and consumers keeping its alert until it expired. When the
    real event ends and the exercise takes Kall back, a new chain begins, and the
    messages already sent are the same (a CAP message is never rewritten)."""
    from sot.operations import services as ops
    from sot.registry.models import Municipality, Point

    kall = Point.objects.get(slug="kall")
    real = ops.create_event(
        name="Storm Ivar",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
    )
    ops.activate_point(event=real, point=kall, activated_by=are_officer)
    raw = _messages(client)
    for xml in raw:
        cap_xsd.validate(xml.decode())
    docs = [ET.fromstring(x) for x in raw]
    drill = [
        d
        for d in _chain(docs, "kall")
        if d.find(f"{C}identifier").text.startswith(f"sot.{storm.pk}.")
    ]
    types = [d.find(f"{C}msgType").text for d in drill]
    assert types == ["Alert", "Update", "Update", "Cancel"]
    cancel = drill[-1]
    assert cancel.find(f"{C}status").text == "Exercise"
    refs = cancel.find(f"{C}references").text.split()
    assert [r.split(",")[1] for r in refs] == [
        d.find(f"{C}identifier").text for d in drill[:3]
    ]
    sent = {d.find(f"{C}identifier").text: ET.tostring(d) for d in drill}

    ops.end_event(event=real, by=are_officer, reason="Strömmen tillbaka")
    docs = [ET.fromstring(x) for x in _messages(client)]
    after = sorted(  # by the chain's counter: the rest took less than a second
        (
            d
            for d in _chain(docs, "kall")
            if d.find(f"{C}identifier").text.startswith(f"sot.{storm.pk}.")
        ),
        key=lambda d: int(d.find(f"{C}identifier").text.rsplit(".", 1)[1]),
    )
    again = {d.find(f"{C}identifier").text: ET.tostring(d) for d in after}
    assert {k: again.get(k) for k in sent} == sent  # nothing rewritten
    new = after[len(drill) :]
    assert [d.find(f"{C}msgType").text for d in new] == ["Alert"]
    assert new[0].find(f"{C}references") is None
