"""Two operators report at once: no lost update (PostgreSQL, two real transactions).

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
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SOT_TEST_POSTGRES_URL) for real row locks")
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
