"""Planning from the browser: the coordinator starts a run, a background task
carries it out with progress, and its maps and tables are kept and listed."""

import httpx
import pytest
from django_tasks_db.models import DBTaskResult

from sot.planning.errors import PlanningError
from sot.plans import demo, tasks
from sot.plans.fetch import fetch_road_file
from sot.plans.models import PlanningRun, RunStatus

FORM = {
    "road_source": "none",
    "population_source": "totals",
    "candidate_source": "localities",
    "minutes": "15",
    "model": "mclp",
    "p": "3",
}


def _start(client, user, captured, **changes):
    client.force_login(user)
    with captured(execute=True):
        return client.post("/planering/", {**FORM, **changes})


def test_coordinator_starts_a_run_that_the_task_carries_out(
    client, coordinator, django_capture_on_commit_callbacks
):
    response = _start(client, coordinator, django_capture_on_commit_callbacks)
    run = PlanningRun.objects.get()
    assert (
        response.status_code == 302 and response.url == f"/planering/korning/{run.pk}/"
    )
    assert run.status == RunStatus.QUEUED and run.county_code == "23"
    assert run.created_by == coordinator and run.travel_model == "straight"
    queued = DBTaskResult.objects.filter(task_path__endswith=".execute_run")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [run.pk]
    # while queued the page shows the progress and refreshes itself
    waiting = client.get(f"/planering/korning/{run.pk}/")
    assert waiting["Refresh"] == "5" and "<progress" in waiting.content.decode()
    assert tasks.execute_run.call(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    assert run.progress_pct == 100 and run.finished_at is not None
    page = client.get(f"/planering/korning/{run.pk}/")
    assert "Refresh" not in page
    text = page.content.decode()
    assert "Fågelvägsmodell, första överblick" in text and "× 1,3" in text
    assert "Östersund" in text and "Maximal täckning (MCLP)" in text
    assert text.count("<li>") >= 3  # the three chosen sites
    svg = client.get(f"/planering/korning/{run.pk}/map.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    body = b"".join(svg.streaming_content).decode()
    assert body.startswith("<svg") and "SOT-punkt: Kall" in body
    assert "Fågelvägsmodell" in body and "Föreslagen ny punkt" in body
    assert client.get(f"/planering/korning/{run.pk}/map-after.svg").status_code == 200
    assert client.get(f"/planering/korning/{run.pk}/state.json").status_code == 404
    listing = client.get("/planering/").content.decode()
    assert f'href="/planering/korning/{run.pk}/"' in listing and "Klar" in listing


def test_demo_shows_a_real_jamtland_result(client, coordinator):
    """The eight points, the localities' population scaled to SCB's 2024 totals,
    straight-line travel: a regression on real data."""
    run = demo.load()
    assert demo.load() == run  # idempotent
    s = run.summary
    assert run.status == RunStatus.DONE, run.error
    assert s["facilities"] == 8
    assert s["population"] == pytest.approx(132_839)  # the eight municipalities
    assert s["travel_model"] == {
        "model": "straight-line",
        "detour_factor": 1.3,
        "speed_kmh": 60.0,
        "earth_radius_m": 6_371_008.8,
    }
    assert 0 < s["covered"] < s["population"]
    assert [c["code"] for c in s["counties"]] == ["23"]
    assert len(s["site"]["chosen"]) == 3 and s["site"]["gap"] == 0
    assert s["site"]["covered_after"] > s["site"]["covered_before"] == s["covered"]
    client.force_login(coordinator)
    assert "Ås" in client.get(f"/planering/korning/{run.pk}/").content.decode()


def test_only_the_coordinator_may_start_a_run(
    client, are_officer, national, kall_operator, django_capture_on_commit_callbacks
):
    run = demo.load()
    for user in (are_officer, national):
        client.force_login(user)
        page = client.get("/planering/").content.decode()
        assert "Starta en planering" not in page
        assert (
            _start(client, user, django_capture_on_commit_callbacks).status_code == 403
        )
    assert PlanningRun.objects.count() == 1
    # the national role reads every county's runs; the officer's scope is a
    # municipality, so a county run is not theirs
    client.force_login(national)
    assert client.get(f"/planering/korning/{run.pk}/").status_code == 200
    client.force_login(are_officer)
    assert client.get(f"/planering/korning/{run.pk}/").status_code == 403
    client.force_login(kall_operator)
    assert client.get("/planering/").status_code == 403


def test_inputs_that_cannot_work_are_refused_before_queueing(
    client, coordinator, django_capture_on_commit_callbacks
):
    page = _start(
        client,
        coordinator,
        django_capture_on_commit_callbacks,
        population_source="nodes",
    )
    assert "kräver en vägfil" in page.content.decode()
    page = _start(
        client, coordinator, django_capture_on_commit_callbacks, road_source="upload"
    )
    assert "ladda upp en vägfil" in page.content.decode()
    assert not PlanningRun.objects.exists()


def test_a_bad_upload_ends_the_run_with_a_message(
    client, coordinator, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("orter.csv", b"ort,x,y\nKall,1,2\n")
    _start(
        client,
        coordinator,
        django_capture_on_commit_callbacks,
        population_source="file",
        population=upload,
    )
    run = PlanningRun.objects.get()
    assert tasks.execute_run.call(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert "no latitude column" in run.error
    assert (
        "misslyckades" in client.get(f"/planering/korning/{run.pk}/").content.decode()
    )


def test_road_file_is_fetched_from_the_configured_address(tmp_path):
    body = b"\x00\x00\x00\x0d\n\tOSMHeader\x18rest"

    def answer(request):
        if request.url.path == "/jamtland.osm.pbf":
            return httpx.Response(200, content=body)
        return httpx.Response(404)

    transport = httpx.MockTransport(answer)
    dest = tmp_path / "roads.osm.pbf"
    fetch_road_file("https://osm.example/jamtland.osm.pbf", dest, transport=transport)
    assert dest.read_bytes() == body
    with pytest.raises(PlanningError, match="HTTP 404"):
        fetch_road_file(
            "https://osm.example/none.pbf", tmp_path / "x", transport=transport
        )
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.part").exists()


def test_a_run_with_an_uploaded_road_file_goes_through_the_road_steps(
    client, db, shared_data, django_capture_on_commit_callbacks
):
    """The Andorra extract as a county's road file: network, one person per road
    node, shops and fuel from the file, reach, MCLP and the report."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sot.accounts.models import Role, User
    from sot.registry.models import Municipality, Point

    muni = Municipality.objects.create(code="9901", name="Andorra", county_code="99")
    for slug, name, lat, lon in (
        ("vella", "Punkt Andorra la Vella", 42.5078, 1.5211),
        ("julia", "Punkt Sant Julià", 42.4636, 1.4913),
    ):
        Point.objects.create(
            slug=slug,
            name=name,
            village=name,
            municipality=muni,
            lat=lat,
            lon=lon,
            lifecycle="established",
        )
    coordinator = User.objects.create(
        username="andorra", role=Role.COUNTY_COORDINATOR, county_code="99"
    )
    pbf = (shared_data / "roads" / "valhalla_andorra_2020.osm.pbf").read_bytes()
    _start(
        client,
        coordinator,
        django_capture_on_commit_callbacks,
        road_source="upload",
        roads=SimpleUploadedFile("andorra.osm.pbf", pbf),
        population_source="nodes",
        candidate_source="road",
        minutes="10",
        p="2",
    )
    run = PlanningRun.objects.get()
    assert run.travel_model == "road" and run.road_name == "andorra.osm.pbf"
    assert tasks.execute_run.call(run.pk) == RunStatus.DONE, run.error
    run.refresh_from_db()
    s = run.summary
    assert s["facilities"] == 2 and s["travel_model"] == {"model": "road"}
    # the figure the CLI documents for these two points (docs/planning.md)
    assert s["covered"] == 14165 and s["population"] == 22661
    assert len(s["site"]["chosen"]) == 2 and s["site"]["covered_after"] > 14165
    page = client.get(f"/planering/korning/{run.pk}/").content.decode()
    assert "Fågelväg" not in page and s["site"]["chosen"][0] in page
    assert 'href="/planering/korning/%d/report.html"' % run.pk in page
    svg = client.get(f"/planering/korning/{run.pk}/map.svg")
    assert b"Restid l\xc3\xa4ngs v\xc3\xa4gn\xc3\xa4tet" in b"".join(
        svg.streaming_content
    )


def test_without_the_planning_extra_reach_and_map_still_come(
    client, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    """Straight-line reach is numpy only; choosing points needs scipy and HiGHS."""
    import sys

    _start(client, coordinator, django_capture_on_commit_callbacks)
    run = PlanningRun.objects.get()
    for name in ("scipy", "scipy.sparse", "highspy", "sot.planning.siting"):
        monkeypatch.setitem(sys.modules, name, None)
    assert tasks.execute_run.call(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    assert run.summary["site"] is None and run.summary["covered"] > 0
    assert run.summary["siting_needs"] == "pip install 'sot[planning]'"
    page = client.get(f"/planering/korning/{run.pk}/").content.decode()
    assert "Nya punkter kunde inte väljas" in page and "map.svg" in page
