"""Reports at once, in two real transactions on two connections (PostgreSQL row locks,
SQLite's IMMEDIATE transactions on the test database file): no lost update, and one
client-made id sent twice at once is stored once.

Thread A submits a report inside a transaction it keeps open for a moment; thread B
submits a report based on the same earlier report meanwhile. B must wait for A's row
lock and then be refused with StaleReport, so A's report is never silently replaced.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from sot.operations import services as ops
from sot.operations.models import Activation, StatusReport


@pytest.fixture
def jamtland(transactional_db):
    """The register loaded and committed for this test (threads must see it)."""
    from sot.registry import demo

    demo.load()
    return demo


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_no_lost_update(
    storm, kall, kall_active, kall_operator, are_officer
):
    first = ops.submit_status_report(
        point=kall, event=storm, reported_by=kall_operator, source="web", state="open"
    )
    started = threading.Event()
    results: dict[str, object] = {}

    def operator_a():
        try:
            with transaction.atomic():
                results["a"] = ops.submit_status_report(
                    point=kall,
                    event=storm,
                    reported_by=kall_operator,
                    source="web",
                    state="limited",
                    state_reason="Kortterminalen nere",
                    based_on_report_id=first.pk,
                )
                started.set()
                time.sleep(0.5)  # keep the transaction open while B tries
        finally:
            connection.close()

    def operator_b():
        try:
            started.wait(10)
            results["b"] = ops.submit_status_report(
                point=kall,
                event=storm,
                reported_by=are_officer,
                source="web",
                state="open",
                based_on_report_id=first.pk,
                needs_fuel=True,
            )
        except ops.StaleReport as exc:
            results["b"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=operator_a), threading.Thread(target=operator_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert isinstance(results["a"], StatusReport)
    assert isinstance(results["b"], ops.StaleReport)
    assert results["b"].newer.pk == results["a"].pk
    activation = Activation.objects.get(pk=kall_active.pk)
    assert activation.last_report_id == results["a"].pk
    assert activation.state == "limited"
    assert StatusReport.objects.filter(activation=activation).count() == 2


@pytest.mark.django_db(transaction=True)
def test_one_uid_sent_twice_at_once_is_stored_once(
    storm, kall, kall_active, kall_operator
):
    """The phone's outbox retry and the service worker's Background Sync send one
    report at the same moment: the second request waits for the first and gets the
    stored report back, not a UNIQUE error (#16)."""
    uid = "0b6f1a52-9c1e-4d3e-8d0a-5a1f6f1e2c33"
    started = threading.Event()
    results: dict[str, object] = {}

    def send(name, hold):
        try:
            with transaction.atomic():
                results[name] = ops.submit_status_report(
                    point=kall,
                    event=storm,
                    reported_by=kall_operator,
                    source="web",
                    state="limited",
                    state_reason="Kortterminalen nere",
                    uid=uid,
                )
                if hold:
                    started.set()
                    time.sleep(0.5)  # the first request is still committing
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            results[name] = exc
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first", True))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=send, args=("second", False))
    second.start()
    for t in (first, second):
        t.join(20)
    assert isinstance(results["first"], StatusReport), results["first"]
    assert isinstance(results["second"], StatusReport), results["second"]
    assert results["second"].pk == results["first"].pk
    assert StatusReport.objects.filter(uid=uid).count() == 1
    assert Activation.objects.get(pk=kall_active.pk).state == "limited"
