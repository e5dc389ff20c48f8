"""Opening hours during an event (#13): the operator or officer sets them from the
operator pages (plain forms, no JavaScript), and every public output shows the
hours the rule in sot.public.core.hours picks: the point page, the start page's
list, the nearest answer, GeoJSON, the snapshot (pages and search index), the notice
and the SMS answer; nothing outside an event."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sot.public.core import hours as core
from sot.public.core import words


def _hours_url(event, slug="kall"):
    return f"/drift/handelser/{event.pk}/punkter/{slug}/oppettider/"


def _pdf_text(content: bytes) -> tuple[str, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    sv, en = (" ".join(p.extract_text().split()) for p in reader.pages)
    return sv, en


@pytest.fixture
def kall_hours(client, kall_open, kall_operator, exercise):
    """Kall's operator sets 08–20 for every day of the exercise through the form."""
    client.force_login(kall_operator)
    response = client.post(_hours_url(exercise), {"day": "", "hours": "8-20"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return kall_open


def test_operator_sets_hours_without_javascript_and_they_are_logged(
    client, kall_open, kall_operator, exercise
):
    from sot.operations.models import Activation, LogEntry

    client.force_login(kall_operator)
    page = client.get("/drift/punkt/").content.decode()
    assert _hours_url(exercise) in page and "inte satta" in page
    form = client.get(_hours_url(exercise)).content.decode()
    assert '<form method="post">' in form and 'name="hours"' in form
    assert "<script" not in form.split("<main", 1)[-1].split("</main>")[0]
    client.post(_hours_url(exercise), {"day": "", "hours": "08.00 - 20.00"})
    act = Activation.objects.get(event=exercise, point=kall_open)
    assert act.opening_hours == {"": "08:00-20:00"}
    log = LogEntry.objects.filter(event=exercise, point=kall_open).last()
    assert "Öppettider för Kall" in log.text and "08–20" in log.text
    assert "08–20" in client.get("/drift/punkt/").content.decode()


def test_bad_hours_and_days_are_refused_with_the_reason(
    client, kall_open, kall_operator, exercise
):
    from sot.operations import services as ops
    from sot.operations.models import Activation

    client.force_login(kall_operator)
    page = client.post(_hours_url(exercise), {"day": "", "hours": "20-08"})
    assert page.status_code == 200
    assert "Stängningstiden måste vara efter öppningstiden" in page.content.decode()
    page = client.post(_hours_url(exercise), {"day": "", "hours": "när vi kan"})
    assert "Skriv öppettiderna som 08–20" in page.content.decode()
    yesterday = core.local_day(timezone.now()) - timedelta(days=1)
    page = client.post(
        _hours_url(exercise), {"day": yesterday.isoformat(), "hours": "08-20"}
    )
    assert page.status_code == 200  # not a day the form offers
    with pytest.raises(ops.HoursRefused) as caught:
        ops.set_opening_hours(
            event=exercise, point=kall_open, by=kall_operator, text="8-20",
            day=yesterday,
        )  # fmt: skip
    assert caught.value.code == "hours_day_past"
    assert Activation.objects.get(event=exercise, point=kall_open).opening_hours == {}


def test_operator_of_another_point_may_not_set_hours(
    client, kall_open, exercise, are_officer
):
    from sot.accounts.models import User
    from sot.registry.models import Point

    other = User.objects.create_user(
        "ottsjo-op", password="x-Very-long-pw-2026", role="point_operator"
    )
    other.points.set([Point.objects.get(slug="ottsjo")])
    client.force_login(other)
    assert client.post(_hours_url(exercise), {"hours": "08-20"}).status_code in (
        403,
        404,
    )


def test_officer_sets_one_day_and_the_public_point_page_shows_both(
    client, kall_hours, exercise, are_officer
):
    from sot.operations import services as ops

    tomorrow = core.local_day(timezone.now()) + timedelta(days=1)
    client.force_login(are_officer)
    response = client.post(
        _hours_url(exercise), {"day": tomorrow.isoformat(), "hours": "dygnet runt"}
    )
    assert response.status_code == 302
    assert (
        "dygnet runt"
        in client.get(f"/drift/handelser/{exercise.pk}/punkter/kall/").content.decode()
    )
    client.logout()
    page = client.get("/punkt/kall/").content.decode()
    assert "<h2>Öppettider</h2>" in page
    assert "<strong>Öppet i dag: 08–20</strong>" in page
    assert f"<li>{words.day(tomorrow)}: dygnet runt</li>" in page
    assert "Öppettiderna gäller så länge händelsen pågår." in page
    en = client.get("/en/punkt/kall/").content.decode()
    assert "<strong>Open today: 08–20</strong>" in en
    assert f"<li>{words.day(tomorrow, 'en')}: around the clock</li>" in en
    # removing the every-day hours leaves the register's arrangements as the plan,
    # not as today's hours ("Öppet i dag: Öppnar när kommunen aktiverar punkten")
    ops.set_opening_hours(event=exercise, point=kall_hours, by=are_officer, text="")
    page = client.get("/punkt/kall/").content.decode()
    assert f"Öppet i dag: {kall_hours.opening_arrangements}" not in page
    assert "Öppethållande vid störning" in page


def test_lists_geojson_and_nearest_show_today_s_hours(client, kall_hours):
    start = client.get("/").content.decode()
    assert "<small>Öppet i dag: 08–20</small>" in start
    assert "Open today: 08–20" in client.get("/en/").content.decode()
    assert "Öppet i dag: 08–20" in client.get("/kommun/2321/").content.decode()
    assert "Öppet i dag: 08–20" in client.get("/nara/?q=Kall").content.decode()
    features = {
        f["properties"]["name"]: f["properties"]
        for f in json.loads(client.get("/punkter.geojson").content)["features"]
    }
    kall = features["Kall"]
    assert kall["opening_hours"] == "08–20"
    assert kall["opening_hours_en"] == "08–20"
    assert kall["opening_hours_source"] == "event"
    assert features["Valsjöbyn"]["opening_hours"] is None  # not activated


def test_snapshot_notice_and_sms_carry_the_hours(client, tmp_path, kall_hours):
    from sot.outreach.residents import answer
    from sot.public import site

    site.publish(tmp_path / "site")
    root = tmp_path / "site"
    assert "Öppet i dag: 08–20" in (root / "punkt" / "kall" / "index.html").read_text()
    assert "Öppet i dag: 08–20" in (root / "index.html").read_text()
    index = (root / "sok" / "index.js").read_text()
    data = json.loads(index.split("=", 1)[1].rstrip().rstrip(";"))
    kall = next(p for p in data["points"] if p[0] == "kall")
    assert kall[8:10] == ["08–20", "08–20"]
    assert data["t"]["sv"]["hours_today"] == "Öppet i dag"
    feature = next(
        f
        for f in json.loads((root / "punkter.geojson").read_text())["features"]
        if f["properties"]["name"] == "Kall"
    )
    assert feature["properties"]["opening_hours"] == "08–20"
    sv, en = _pdf_text(client.get("/punkt/kall/anslag.pdf").content)
    assert "Öppet i dag: 08–20" in sv and "Open today: 08–20" in en
    _outcome, reply = answer("KALL")
    assert "08-20" in reply or "08–20" in reply


def test_no_hours_outside_an_event(client, kall_hours, exercise, are_officer):
    from sot.operations import services as ops

    ops.end_event(event=exercise, by=are_officer)
    page = client.get("/punkt/kall/").content.decode()
    assert "Öppet i dag" not in page
    assert "Öppethållande vid störning" in page  # the register's plan stays
    features = json.loads(client.get("/punkter.geojson").content)["features"]
    kall = next(f for f in features if f["properties"]["name"] == "Kall")
    assert kall["properties"]["opening_hours"] is None
    sv, _en = _pdf_text(client.get("/punkt/kall/anslag.pdf").content)
    assert "Öppet" not in sv.replace("Öppen", "")


def test_a_box_refuses_to_set_hours_it_would_lose(
    client, kall_open, exercise, kall_operator
):
    """At a box the activation is central's copy: the form says hours are set
    centrally instead of storing a change the next sync would throw away."""
    from sot.box.models import Link
    from sot.operations.models import Activation

    Link.objects.create(central_url="https://central.example.se", token="t", name="b")
    client.force_login(kall_operator)
    page = client.post(_hours_url(exercise), {"day": "", "hours": "08-20"})
    assert page.status_code == 200
    assert "Öppettider sätts centralt" in page.content.decode()
    assert Activation.objects.get(event=exercise, point=kall_open).opening_hours == {}


def test_no_hours_beside_a_state_that_says_the_point_does_not_serve(
    client, kall_hours, exercise, are_officer, kall_operator
):
    """Found in the demo walk: an alerted point and a point gone unknown said
    "Öppet i dag: Öppnar när kommunen aktiverar punkten…" beside their state. Hours
    are told only while the point serves (open or limited)."""
    from sot.operations import services as ops
    from sot.registry.models import Point

    hallen = Point.objects.get(slug="hallen")
    hallen.opening_arrangements = "Öppnar när kommunen aktiverar punkten."
    hallen.save(update_fields=["opening_arrangements"])
    ops.activate_point(event=exercise, point=hallen, activated_by=are_officer)
    page = client.get("/punkt/hallen/").content.decode()
    assert "Öppet i dag" not in page  # alerted: being prepared, not serving
    assert "Öppethållande vid störning" in page  # the register's plan stays
    # Kall closes: its event hours are no longer told, anywhere.
    ops.submit_status_report(
        point=kall_hours,
        event=exercise,
        reported_by=kall_operator,
        source="web",
        state="closed",
        state_reason="Elverket har stannat",
    )
    assert "Öppet i dag" not in client.get("/punkt/kall/").content.decode()
    features = json.loads(client.get("/punkter.geojson").content)["features"]
    props = {f["properties"]["name"]: f["properties"] for f in features}
    assert props["Kall"]["opening_hours"] is None
    assert props["Hallen"]["opening_hours"] is None
    sv, _en = _pdf_text(client.get("/punkt/kall/anslag.pdf").content)
    assert "Öppet i dag" not in sv
