"""Imports run as background jobs: the request returns at once, the task worker reads
and writes the file in short transactions, and the job's page shows how far it got
while the rest of the site keeps answering (#12)."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django_tasks_db.models import DBTaskResult

from sot.accounts.models import ApiToken
from sot.errors import Conflict
from sot.operations import services as ops
from sot.operations.models import StatusReport
from sot.registry import imports, tables
from sot.registry.models import ImportJob, Municipality, Point

pytestmark = pytest.mark.db

IMPORT = "/admin/registry/point/import/"


def _csv(n: int, *, bad_row: int | None = None) -> bytes:
    lines = ["id;name;village;municipality_code;lat;lon"]
    for i in range(n):
        lat = "91" if i == bad_row else f"{63.40 + i * 0.0001:.4f}"
        lines.append(f"bulk-{i};Punkt {i};Kall;2321;{lat};13.20")
    return ("\n".join(lines) + "\n").encode()


def _upload(client, data: bytes, name: str = "punkter.csv"):
    return client.post(
        IMPORT, {"file": SimpleUploadedFile(name, data), "confirm_outside": "1"}
    )


def _job_id(response) -> int:
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def _in_another_thread(fn):
    """Run ``fn`` in a thread of its own, with its own database connection, as a
    second web worker would; return its result or raise its exception."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # handed to the test below
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_the_request_only_queues_the_job(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        r = _upload(client, _csv(3))
    assert r.status_code == 302
    job = ImportJob.objects.get(pk=_job_id(r))
    assert (job.state, job.kind, job.filename) == ("queued", "points", "punkter.csv")
    assert not Point.objects.filter(slug__startswith="bulk-").exists()
    task = DBTaskResult.objects.get(task_path__endswith=".run_import")
    assert task.args_kwargs["args"] == [job.pk]
    waiting = client.get(r["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting  # reloads itself, no JavaScript needed
    assert "väntar" in waiting
    # the worker runs it
    assert imports.run_import.call(job.pk) == "done"
    assert Point.objects.filter(slug__startswith="bulk-").count() == 3
    page = client.get(r["Location"]).content.decode()
    assert "Importen är klar: 3 nya, 0 ändrade, 0 oförändrade." in page
    assert 'http-equiv="refresh"' not in page
    assert "3 av 3" in page
    job.refresh_from_db()
    assert job.data == b"" and job.percent == 100  # the file is not kept


def test_a_bad_row_keeps_nothing_and_the_page_lists_the_errors(client, coordinator):
    client.force_login(coordinator)
    r = _upload(client, _csv(5, bad_row=3))
    job = imports.run_job(_job_id(r))
    assert job.state == "failed"
    assert job.errors == [[5, "lat", job.errors[0][2]]]
    assert not Point.objects.filter(slug__startswith="bulk-").exists()
    page = client.get(r["Location"]).content.decode()
    assert "Ingenting importerades: 1 fel." in page
    assert "<td>5</td><td>lat</td>" in page


def test_a_file_of_the_wrong_kind_is_refused_at_once(client, coordinator):
    client.force_login(coordinator)
    r = client.post(IMPORT, {"file": SimpleUploadedFile("p.pdf", b"%PDF")})
    assert r.status_code == 200
    assert "Okänt filformat" in r.content.decode()
    assert not ImportJob.objects.exists()


def test_only_the_one_who_started_it_sees_a_job(client, coordinator, are_officer):
    client.force_login(coordinator)
    r = _upload(client, _csv(1))
    client.force_login(are_officer)
    assert client.get(r["Location"]).status_code == 403
    assert client.post(r["Location"], {"cancel": "1"}).status_code == 403
    assert ImportJob.objects.get().cancel_requested is False


@pytest.mark.django_db(transaction=True)
def test_a_4000_row_import_leaves_the_site_answering(
    coordinator, kall, are_officer, kall_operator
):
    """The issue's case: 4 000 valid rows on SQLite. While the worker checks them,
    between its batches, an operator's status report is stored (201) and the job's
    page answers with how far it got; the official cancels and nothing is kept."""
    event = ops.create_event(
        name="Storm",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
    )
    ops.activate_point(event=event, point=kall, activated_by=are_officer)
    token = ApiToken.issue(user=kall_operator, name="t")[1]
    official = Client()
    official.force_login(coordinator)
    r = _upload(official, _csv(4000))
    assert r.status_code == 302
    page_url = r["Location"]
    job_id = _job_id(r)
    assert ImportJob.objects.get(pk=job_id).state == "queued"
    assert not Point.objects.filter(slug__startswith="bulk-").exists()

    seen = []

    def between_batches(done, total, phase):
        if done == 0:
            return

        def other_worker():
            report = Client().post(
                "/api/v1/operations/points/kall/reports",
                {"state": "open", "people_present": done // 100},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            page = official.get(page_url)
            cancel = (
                official.post(page_url, {"cancel": "1"}).status_code
                if done == 300
                else None
            )
            return report.status_code, page.content.decode(), cancel

        status, page, cancel = _in_another_thread(other_worker)
        seen.append((phase, done, total, status, cancel))
        assert f"{done} av 4000" in page
        assert "kontrollerar rader" in page

    job = imports.run_job(job_id, on_progress=between_batches)
    assert seen == [
        ("check", 100, 4000, 201, None),
        ("check", 200, 4000, 201, None),
        ("check", 300, 4000, 201, 302),
    ]
    assert (
        StatusReport.objects.filter(
            activation__point=kall, people_present__in=[1, 2, 3]
        ).count()
        == 3
    )
    assert job.state == "cancelled" and job.rows_done == 300
    assert not Point.objects.filter(slug__startswith="bulk-").exists()
    page = official.get(page_url).content.decode()
    assert "Ingenting importerades" in page or "avbröts" in page


@pytest.mark.django_db(transaction=True)
def test_reports_are_answered_while_the_job_writes(
    monkeypatch, coordinator, kall, are_officer, kall_operator
):
    """The same in the write pass (small batches, so the test is quick), through
    the task: every batch is committed before the next, and a report in between
    is stored; the job cannot be cancelled once it writes."""
    monkeypatch.setattr(tables, "BATCH_ROWS", 2)
    event = ops.create_event(
        name="Storm",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
    )
    ops.activate_point(event=event, point=kall, activated_by=are_officer)
    token = ApiToken.issue(user=kall_operator, name="t")[1]
    job = imports.start_import(
        actor=coordinator,
        kind="points",
        data=_csv(5),
        filename="p.csv",
        options={"confirm_outside": True},
        enqueue=False,
    )
    seen = []

    def between_batches(done, total, phase):
        if phase != "write" or done == 0:
            return

        def other_worker():
            kept = Point.objects.filter(slug__startswith="bulk-").count()
            report = Client().post(
                "/api/v1/operations/points/kall/reports",
                {"state": "open"},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            return kept, report.status_code

        seen.append((done, *_in_another_thread(other_worker)))
        with pytest.raises(Conflict):
            imports.cancel_job(actor=coordinator, job=job)

    result = imports.run_job(job.pk, on_progress=between_batches)
    assert result.state == "done" and result.result["created"] == 5
    # each batch was committed (seen by another connection) before the next began
    assert seen == [(2, 2, 201), (4, 4, 201), (5, 5, 201)]


def test_the_roster_import_runs_as_a_job_over_the_api(client, are_officer):
    from sot.outreach.models import Member

    token = ApiToken.issue(user=are_officer, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = "namn;telefon\nÅsa Öberg;0701740650\nUtan nummer;\n".encode()
    r = client.post(
        "/api/v1/notify/roster/import",
        {"municipality": "2321", "file": SimpleUploadedFile("r.csv", data)},
        **auth,
    )
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["state"] == "queued" and not Member.objects.exists()
    imports.run_job(body["id"])
    status = client.get(body["url"], **auth).json()
    assert status["state"] == "done"
    assert (status["created"], status["rows_done"], status["rows_total"]) == (1, 2, 2)
    assert [e["row"] for e in status["errors"]] == [3]
    assert Member.objects.get().name == "Åsa Öberg"
