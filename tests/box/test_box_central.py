"""Central's side of the boxes (tokens, push, pull, snapshot) and what a box serves
(captive portal, snapshot with its time, register refused), on one database."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sot.box import services
from sot.box.models import Box, Link
from sot.errors import Refused
from sot.operations import services as ops
from sot.operations.models import StatusReport


@pytest.fixture(autouse=True)
def _quiet_site(settings):
    """No automatic publishing."""
    settings.PUBLISH_DIR = ""
    settings.SITE_URL = ""


@pytest.fixture
def storm(are_officer, kall):
    """A storm in Åre that began an hour ago, Kall activated."""
    from sot.registry.models import Municipality

    event = ops.create_event(
        name="Storm",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
        starts_at=timezone.now() - timedelta(hours=1),
    )
    ops.activate_point(
        event=event,
        point=kall,
        activated_by=are_officer,
        at=timezone.now() - timedelta(minutes=50),
    )
    return event


@pytest.fixture
def box_token(kall):
    """A box token for Kall."""
    return services.issue_box(name="kall-box", point_slugs=["kall"], by=None)[1]


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _push(client, secret, records, sent_at=None):
    return client.post(
        "/api/v1/box/push",
        {"sent_at": (sent_at or timezone.now()).isoformat(), "records": records},
        content_type="application/json",
        **bearer(secret),
    )


def _report(storm, uid, **extra):
    return {
        "kind": "report",
        "uid": str(uid),
        "point": "kall",
        "event": storm.pk,
        "observed_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "author": "Kerstin vid boxen",
        "source": "web",
        "state": "open",
        "fields": {"power_source": "generator", "public_note": "Värmestugan öppen"},
        **extra,
    }


def test_token_is_scoped_and_revocable(client, kall, box_token, coordinator):
    r = client.get("/api/v1/box/hello", **bearer(box_token))
    assert r.status_code == 200
    assert r.json()["points"] == ["kall"]
    assert r.json()["county_code"] == "23"
    assert client.get("/api/v1/box/hello").status_code == 401
    # A user's API token is not a box token, and a box token is no user token.
    assert client.get("/api/v1/box/pull", **bearer("sot_x_y")).status_code == 401
    assert (
        client.get("/api/v1/operations/events", **bearer(box_token)).status_code == 401
    )
    call_command("box", "token", "revoke", "kall-box")
    assert client.get("/api/v1/box/hello", **bearer(box_token)).status_code == 401
    assert Box.objects.get().revoked_at is not None


def test_push_stores_once_via_box_and_refuses_other_points(
    client, storm, box_token, valsjobyn, coordinator
):
    uid = uuid.uuid4()
    first = _push(client, box_token, [_report(storm, uid)])
    again = _push(client, box_token, [_report(storm, uid)])
    assert first.status_code == again.status_code == 200, first.content
    assert first.json()["results"] == [
        {"uid": str(uid), "status": "stored", "detail": ""}
    ]
    report = StatusReport.objects.get(uid=uid)
    assert report.via_box == "kall-box"
    assert report.reporter_name == "Kerstin vid boxen"
    assert report.public_note == "Värmestugan öppen"
    assert StatusReport.objects.filter(uid=uid).count() == 1
    assert report.activation.state == "open"
    ops.activate_point(event=storm, point=valsjobyn, activated_by=coordinator)
    other = _push(client, box_token, [_report(storm, uuid.uuid4(), point="valsjobyn")])
    assert other.json()["results"][0]["status"] == "refused"
    assert "valsjobyn" in other.json()["results"][0]["detail"]


def test_box_clock_far_off_is_detected(client, storm, box_token):
    uid = uuid.uuid4()
    ahead = timedelta(hours=3)
    record = _report(storm, uid)
    record["observed_at"] = (timezone.now() + ahead - timedelta(minutes=5)).isoformat()
    _push(client, box_token, [record], sent_at=timezone.now() + ahead)
    report = StatusReport.objects.get(uid=uid)
    assert report.clock_offset_s == pytest.approx(ahead.total_seconds(), abs=10)
    assert report.observed_at < timezone.now()
    assert Box.objects.get().clock_offset_s == pytest.approx(
        ahead.total_seconds(), abs=10
    )


def test_a_refused_transition_is_kept_in_history(client, storm, box_token, kall):
    """The event ended centrally while the box was cut off: the box's report of
    "limited" cannot reopen the point, but it is not lost."""
    ops.end_event(event=storm, by=None, reason="Strömmen tillbaka")
    uid = uuid.uuid4()
    answer = _push(client, box_token, [_report(storm, uid, state="limited")]).json()
    assert answer["results"][0]["status"] == "history"
    report = StatusReport.objects.get(uid=uid)
    assert report.activation.state == "closed"
    assert report.activation.last_report != report


def test_pull_has_register_operations_and_operators(client, storm, box_token):
    _push(client, box_token, [_report(storm, uuid.uuid4())])
    payload = client.get("/api/v1/box/pull", **bearer(box_token)).json()
    models = {row["model"] for row in payload["register"]}
    assert {"registry.point", "registry.municipality", "registry.county"} <= models
    assert {row["model"] for row in payload["operations"]} >= {
        "operations.event",
        "operations.activation",
    }
    assert [o["username"] for o in payload["operators"]] == ["kall"]
    assert "password" in payload["operators"][0]
    assert len(payload["reports"]) == 1
    [state] = [a for a in payload["activation_state"] if a["last_report_uid"]]
    assert state["state"] == "open"


def test_snapshot_is_a_zip_of_the_public_site(client, storm, box_token):
    _push(client, box_token, [_report(storm, uuid.uuid4())])
    r = client.get("/api/v1/box/snapshot", **bearer(box_token))
    assert r.status_code == 200
    assert r["X-Sot-Snapshot-At"]
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert "index.html" in names and "punkt/kall/index.html" in names
    page = zipfile.ZipFile(io.BytesIO(r.content)).read("punkt/kall/index.html")
    assert "Värmestugan öppen".encode() in page


@pytest.fixture
def as_box(jamtland, tmp_path, settings):
    """This install is a box for Kall, with a snapshot taken two hours ago."""
    settings.BASE_DIR = tmp_path
    settings.ALLOWED_HOSTS = ["*"]  # what docs/box.md sets: any name is the box
    snap = tmp_path / "box" / "snapshot"
    (snap / "punkt" / "kall").mkdir(parents=True)
    (snap / "index.html").write_text(
        '<!doctype html><html><body class="x"><a href="/punkt/kall/">Kall</a>'
        "</body></html>"
    )
    (snap / "site.css").write_text("body{}")
    return Link.objects.create(
        central_url="http://central.invalid",
        token="sotbox_x_y",
        name="kall-box",
        point_slugs=["kall"],
        county_code="23",
        snapshot_at=timezone.now() - timedelta(hours=2, minutes=5),
    )


@pytest.mark.parametrize(
    "path",
    [
        "/generate_204",
        "/gen_204",
        "/hotspot-detect.html",
        "/library/test/success.html",
        "/connecttest.txt",
        "/ncsi.txt",
        "/success.txt",
        "/canonical.html",
    ],
)
def test_captive_portal_checks_land_on_the_point_page(client, as_box, path):
    r = client.get(path, HTTP_HOST="connectivitycheck.gstatic.com")
    assert r.status_code == 302
    assert r["Location"].endswith("/punkt/kall/")


def test_captive_paths_are_not_answered_on_central(client, jamtland):
    assert client.get("/generate_204").status_code == 404
    assert client.get("/lage/").status_code == 404


def test_snapshot_pages_say_when_in_plain_words(client, as_box):
    page = client.get("/lage/").content.decode()
    assert "Ögonblicksbild från central" in page
    assert "i dag kl." in page or "i går kl." in page
    assert "för 2 h 5 min sedan" in page
    assert 'href="/lage/punkt/kall/"' in page
    assert client.get("/lage/site.css")["Content-Type"].startswith("text/css")
    assert client.get("/lage/../../etc/passwd").status_code == 404
    home = client.get("/box/").content.decode()
    assert "kall-box" in home and "/lage/" in home


def test_register_is_edited_centrally_only(as_box, kall):
    kall.name = "Kall (ändrad på boxen)"
    with pytest.raises(Refused) as exc:
        kall.save()
    assert exc.value.code == "box_register"


def test_register_edits_work_on_central(kall):
    kall.name = "Kall handel"
    kall.save()


def test_cli_creates_lists_and_revokes_box_tokens(kall, capsys):
    call_command("box", "token", "create", "kall-box", "--points", "kall")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert services.authenticate(secret).name == "kall-box"
    call_command("box", "list")
    assert "kall-box\taktiv\tkall\thörd aldrig" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Okända punkter"):
        call_command("box", "token", "create", "x-box", "--points", "nowhere")
    call_command("box", "token", "revoke", "kall-box")
    assert services.authenticate(secret) is None
    call_command("box", "status")
    assert "Ingen box" in capsys.readouterr().out


def test_the_scheduler_syncs_a_box_and_only_a_box(jamtland, as_box):
    from sot.registry import scheduler

    names = [job.name for job in scheduler.periodic_jobs(60)]
    assert "box" in names
    Link.objects.all().delete()
    assert "box" not in [job.name for job in scheduler.periodic_jobs(60)]


def test_officials_see_that_the_point_reported_through_the_box(
    client, storm, box_token, are_officer
):
    ops.submit_status_report(
        point=storm.activations.get().point,
        event=storm,
        reported_by=None,
        source="sms",
        state="open",
        reporter_name="SMS",
        observed_at=timezone.now() - timedelta(minutes=20),
    )
    _push(client, box_token, [_report(storm, uuid.uuid4())])
    client.force_login(are_officer)
    page = client.get(f"/drift/handelser/{storm.pk}/punkter/kall/").content.decode()
    assert "via box kall-box" in page
    assert page.count("<tr><td>") >= 2  # both reports stay in the history


def test_box_pages_in_english(client, as_box, tmp_path):
    """/en/box/ and the snapshot's English pages under /lage/en/ speak English,
    with the snapshot's time in plain English words (#16)."""
    snap = tmp_path / "box" / "snapshot" / "en"
    snap.mkdir()
    (snap / "index.html").write_text(
        '<!doctype html><html lang="en"><body><a href="/en/punkt/kall/">Kall</a>'
        "</body></html>"
    )
    home = client.get("/en/box/").content.decode()
    assert '<html lang="en"' in home
    assert "<h1>The box kall-box</h1>" in home
    assert 'href="/lage/en/"' in home and 'href="/en/punkt/kall/"' in home
    assert "(2 h 5 min ago)" in home or "yesterday at" in home
    assert "Last contact with the central server: never." in home
    for swedish in ("Punkterna här", "Hela länet", "ögonblicksbild", "aldrig"):
        assert swedish not in home, swedish
    assert 'href="/en/box/"' in client.get("/box/").content.decode()
    page = client.get("/lage/en/").content.decode()
    assert "Snapshot from the central server" in page
    assert "2 h 5 min ago" in page and 'href="/en/box/"' in page
    assert 'href="/lage/en/punkt/kall/"' in page
    assert "Ögonblicksbild" not in page
    assert "Ögonblicksbild från central" in client.get("/lage/").content.decode()


def test_plain_time_in_both_languages():
    from datetime import datetime

    from django.utils import timezone as tz

    from sot.box.views import plain_time

    now = datetime(2026, 12, 3, 12, 0, tzinfo=tz.get_fixed_timezone(0))
    at = now - timedelta(days=2, hours=1)
    assert plain_time(at, now) == "tisdag 1 december kl. 12.00 (för 2 d 1 h sedan)"
    assert plain_time(at, now, "en") == "Tuesday 1 December at 12:00 (2 days 1 h ago)"
    assert plain_time(now, now, "en") == "today at 13:00 (just now)"
    assert plain_time(None, lang="en").startswith("never")


def _django_transport(client):
    """An httpx transport that hands each request to Django's test client (central
    in this process)."""
    import httpx

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.url.query:
            path += "?" + request.url.query.decode()
        r = client.generic(
            request.method,
            path,
            data=request.content,
            content_type=request.headers.get("content-type", ""),
            HTTP_AUTHORIZATION=request.headers.get("authorization", ""),
        )
        return httpx.Response(r.status_code, headers=dict(r.items()), content=r.content)

    return httpx.MockTransport(handle)


def _files(folder):
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_box_snapshot_sync_writes_only_what_changed(
    client, storm, kall, box_token, tmp_path, settings
):
    """The box mirrors central's published snapshot file by file: the first sync
    writes it all, a sync with nothing new writes nothing, and after a report at
    Kall only the files central republished for it are written (#16)."""
    from sot.box import sync
    from sot.operations import services as ops
    from sot.public import site
    from sot.public.core import snapshot

    published = tmp_path / "central" / "site"
    settings.PUBLISH_DIR = str(published)
    site.publish(published)
    settings.BASE_DIR = tmp_path / "box-home"
    box_dir = sync.snapshot_dir()
    http = sync._client("http://central.test", box_token, _django_transport(client))

    count, built_at = sync.pull_snapshot(http)
    first = _files(box_dir)
    assert count == len(first) > 20 and built_at
    assert (box_dir / "punkt" / "kall" / "index.html").is_file()
    assert not any(name.endswith(".gz") for name in first)

    assert sync.pull_snapshot(http)[0] == 0
    assert _files(box_dir) == first  # not one file touched

    before = snapshot.current_manifest(published.resolve())["files"]
    ops.submit_status_report(
        point=kall, event=storm, reported_by=None, source="web",
        state="open", public_note="Ny rapport vid Kall",
    )  # fmt: skip
    site.publish_changes(published, slugs=["kall"])
    after = snapshot.current_manifest(published.resolve())["files"]
    republished = {
        p for p in after if not p.endswith(".gz") and before.get(p) != after[p]
    }
    assert "punkt/kall/index.html" in republished
    assert "punkt/ottsjo/index.html" not in republished
    count, _at = sync.pull_snapshot(http)
    now = _files(box_dir)
    touched = {p for p in now if now[p] != first.get(p)}
    assert touched == republished and count == len(republished)
    assert "Ny rapport vid Kall" in (box_dir / "punkt/kall/index.html").read_text()


def test_a_report_pushed_by_the_box_is_in_its_snapshot_after_one_sync(
    client, storm, kall, box_token, tmp_path, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Central publishes to a folder and its task worker has not run yet: the box's
    pull still carries the report it has just pushed (#16 item 5), because central
    publishes what waits before it answers."""
    from sot.box import sync
    from sot.operations import services as ops
    from sot.public import site
    from sot.public.models import PendingPublish

    published = tmp_path / "central" / "site"
    settings.PUBLISH_DIR = str(published)
    site.publish(published)
    settings.BASE_DIR = tmp_path / "box-home"
    box_dir = sync.snapshot_dir()
    http = sync._client("http://central.test", box_token, _django_transport(client))
    sync.pull_snapshot(http)
    with django_capture_on_commit_callbacks(execute=True):
        ops.submit_status_report(
            point=kall, event=storm, reported_by=None, source="web",
            state="limited", public_note="Bara kontanter i dag",
        )  # fmt: skip
    assert PendingPublish.objects.exists()  # the worker has not published it
    sync.pull_snapshot(http)
    assert "Bara kontanter i dag" in (box_dir / "punkt/kall/index.html").read_text()
    assert not PendingPublish.objects.exists()
