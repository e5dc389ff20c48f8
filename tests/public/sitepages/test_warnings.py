"""Warnings for residents: in force over a point or municipality, with level,
validity and a link to the issuer, on the start page, point pages and snapshot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def smhi_orange(jamtland):
    """An orange SMHI wind warning in force over Åre municipality (and Kall)."""
    return _orange_warning()


def _orange_warning():
    from sot.registry.models import Municipality, Point
    from sot.warnings.models import WarningMessage

    now = timezone.now()
    w = WarningMessage.objects.create(
        source="smhi", identifier="smhi-test-1", format="smhi_ibww", sent=now,
        msg_type="Alert", status="Actual", hazard="wind", level="ORANGE",
        headline_sv="Mycket hårt väder i fjällen", headline_en="Severe weather",
        onset=now - timedelta(hours=1), expires=now + timedelta(hours=12),
        web="https://www.smhi.se/varningar/1", state="in_force", imported_via="test",
    )  # fmt: skip
    w.municipalities.add(Municipality.objects.get(code="2321"))
    w.points.add(Point.objects.get(slug="kall"))
    return w


def test_start_and_point_pages_show_the_warning(client, smhi_orange):
    for url in ("/", "/punkt/kall/", "/punkt/ottsjo/"):
        page = client.get(url).content.decode()
        assert "Varningar som gäller nu" in page, url
        assert '<strong class="lv lv-orange">Orange varning</strong>' in page
        assert "Mycket hårt väder i fjällen" in page and "(till " in page
        assert '<a href="https://www.smhi.se/varningar/1">SMHI</a>' in page
    # a point in another municipality is not under it
    assert "Mycket hårt" not in client.get("/punkt/valsjobyn/").content.decode()
    page = client.get("/en/punkt/kall/").content.decode()
    assert "Orange warning" in page and "Severe weather" in page


def test_snapshot_carries_the_warning(tmp_path, smhi_orange):
    from sot.public import site

    site.publish(tmp_path / "site")
    page = (tmp_path / "site" / "punkt" / "kall" / "index.html").read_text()
    assert "Mycket hårt väder i fjällen" in page and "smhi.se/varningar/1" in page


def test_ended_warning_is_not_shown(client, smhi_orange):
    smhi_orange.state = "ended"
    smhi_orange.save()
    assert "Varningar som gäller nu" not in client.get("/").content.decode()


def test_municipality_page_shows_the_warnings_over_it(client, smhi_orange):
    """Åre's page (live, Swedish and English) shows the warning; Krokom's does not."""
    page = client.get("/kommun/2321/").content.decode()
    assert "Varningar som gäller nu" in page
    assert '<strong class="lv lv-orange">Orange varning</strong>' in page
    assert "Mycket hårt väder i fjällen" in page
    assert '<a href="https://www.smhi.se/varningar/1">SMHI</a>' in page
    assert "Severe weather" in client.get("/en/kommun/2321/").content.decode()
    assert "Mycket hårt" not in client.get("/kommun/2309/").content.decode()


def test_municipality_page_without_points_still_shows_its_warning(client, smhi_orange):
    """A municipality with no public point is still told about the warning."""
    from sot.registry.models import Municipality, Point

    krokom = Municipality.objects.get(code="2309")
    Point.objects.filter(municipality=krokom).delete()
    smhi_orange.municipalities.add(krokom)
    page = client.get("/kommun/2309/").content.decode()
    assert "Kommunen har inga SOT-punkter ännu." in page
    assert "Mycket hårt väder i fjällen" in page


def test_snapshot_municipality_pages_carry_the_warning(tmp_path, smhi_orange):
    from sot.public import site

    site.publish(tmp_path / "site")
    are = (tmp_path / "site" / "kommun" / "2321" / "index.html").read_text()
    assert "Mycket hårt väder i fjällen" in are and "smhi.se/varningar/1" in are
    en = (tmp_path / "site" / "en" / "kommun" / "2321" / "index.html").read_text()
    assert "Severe weather" in en
    krokom = (tmp_path / "site" / "kommun" / "2309" / "index.html").read_text()
    assert "Mycket hårt" not in krokom


def test_exercise_warning_leaves_a_point_when_a_real_event_alerts_it(
    client, smhi_orange, exercise, are_officer, tmp_path
):
    """Found on the walk: with "Övning Storm" running, an officer alerted Ottsjö in a
    real event and Ottsjö's page still showed the exercise's SMHI warning. Like the
    exercise banner, an exercise warning is left out while a real event touches the
    page (point page, start page, snapshot); Kall, still only in the exercise, keeps
    it labelled."""
    from sot.operations import services as ops
    from sot.public import site
    from sot.registry.models import Municipality, Point

    smhi_orange.status = "exercise"
    smhi_orange.headline_sv = "Övningsvarning vind"
    smhi_orange.save()
    smhi_orange.points.add(Point.objects.get(slug="ottsjo"))
    ottsjo = Point.objects.get(slug="ottsjo")
    for slug in ("ottsjo", "kall"):
        point = Point.objects.get(slug=slug)
        ops.activate_point(event=exercise, point=point, activated_by=are_officer)
    assert "Övningsvarning vind" in client.get("/punkt/ottsjo/").content.decode()

    real = ops.create_event(
        name="Storm skarp",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
    )
    ops.activate_point(event=real, point=ottsjo, activated_by=are_officer)
    for url in ("/punkt/ottsjo/", "/en/punkt/ottsjo/", "/"):
        page = client.get(url).content.decode()
        assert "Övningsvarning vind" not in page, url
    kall = client.get("/punkt/kall/").content.decode()
    assert "Övningsvarning vind" in kall and '<span class="ex">ÖVNING</span>' in kall
    site.publish(tmp_path / "site")
    snap = (tmp_path / "site" / "punkt" / "ottsjo" / "index.html").read_text()
    assert "Storm skarp" in snap and "Övningsvarning vind" not in snap


def test_an_exercise_warning_goes_when_the_exercise_ends(
    client, smhi_orange, exercise, are_officer, tmp_path
):
    """Found on the walk: after "Övning Storm" ended, the start page still showed the
    exercise's SMHI warning ("ÖVNING Orange varning ... till 15 jan"). An exercise
    warning is shown only while an exercise runs over its municipalities."""
    from sot.operations import services as ops
    from sot.public import site
    from sot.registry.models import Point

    smhi_orange.status = "exercise"
    smhi_orange.headline_sv = "Övningsvarning vind"
    smhi_orange.save()
    ops.activate_point(
        event=exercise, point=Point.objects.get(slug="kall"), activated_by=are_officer
    )
    for url in ("/", "/punkt/kall/", "/kommun/2321/"):
        assert "Övningsvarning vind" in client.get(url).content.decode(), url
    ops.end_event(event=exercise, by=are_officer, reason="Övningen slut")
    for url in ("/", "/punkt/kall/", "/en/punkt/kall/", "/kommun/2321/"):
        page = client.get(url).content.decode()
        assert "Övningsvarning vind" not in page and "ÖVNING" not in page, url
    site.publish(tmp_path / "site")
    for path in ("index.html", "punkt/kall/index.html"):
        assert "Övningsvarning vind" not in (tmp_path / "site" / path).read_text()
    # a real warning is not touched by the rule
    smhi_orange.status = "actual"
    smhi_orange.save()
    assert "Övningsvarning vind" in client.get("/").content.decode()


def test_a_warning_that_comes_in_is_republished_to_the_snapshot(
    tmp_path, settings, jamtland, django_capture_on_commit_callbacks
):
    """The poller stores an SMHI warning: the live pages show it at once, and
    the snapshot (the crowd's and the USB stick's copy) is republished with it;
    when it ends, it leaves the snapshot too."""
    from sot.public import site, tasks
    from sot.public.models import PendingPublish

    settings.PUBLISH_DIR = str(tmp_path / "site")
    site.publish(settings.PUBLISH_DIR)
    page = tmp_path / "site" / "punkt" / "kall" / "index.html"
    assert "Mycket hårt väder" not in page.read_text()
    with django_capture_on_commit_callbacks(execute=True):
        warning = _orange_warning()
    # the pages under it: Åre's points and its municipality (and the start pages)
    pending = PendingPublish.objects.all()
    assert not pending.filter(everything=True).exists()
    assert {p.slug for p in pending if p.slug} == {"kall", "ottsjo", "hallen"}
    assert {p.municipality_code for p in pending if p.municipality_code} == {"2321"}
    tasks.publish_pending.call()
    assert "Mycket hårt väder i fjällen" in page.read_text()
    for other in ("punkt/ottsjo/index.html", "kommun/2321/index.html", "index.html"):
        assert "Mycket hårt väder" in (tmp_path / "site" / other).read_text(), other
    warning.state, warning.ended_reason = "ended", "expired"
    with django_capture_on_commit_callbacks(execute=True):
        warning.save(update_fields=["state", "ended_reason"])
    tasks.publish_pending.call()
    assert "Mycket hårt väder" not in page.read_text()
