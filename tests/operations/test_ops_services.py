"""Service functions of the operations app on a real database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sot.errors import Refused as PermissionRefused
from sot.operations import services as ops
from sot.operations.core.status import RefusalCode, TransitionRefused
from sot.operations.models import LogEntry, StateChange, StatusReport
from sot.operations.signals import public_state_changed


def test_activation_starts_alerted_with_checklist(kall_active):
    assert kall_active.state == "alerted"
    checklist = kall_active.checklists.get()
    assert checklist.items.count() >= 5
    assert StateChange.objects.filter(activation=kall_active).count() == 1


def test_report_applies_state_and_carries_over(storm, kall, kall_active, kall_operator):
    first = ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="web",
        state="open",
        based_on_report_id=0,
        power_source="generator",
        generator_fuel_l=200,
        generator_load_pct=50,
        payment_methods=["card", "cash"],
        services={"food": "yes", "heating": "limited"},
        needs_fuel=True,
    )
    kall_active.refresh_from_db()
    assert kall_active.state == "open"
    assert kall_active.fuel_level_l == 200
    # An SMS with only a state keeps the rest of the picture, but not the level.
    second = ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="sms",
        state="limited",
        state_reason="Kortterminalen nere",
    )
    assert second.based_on == first
    assert second.payment_methods == ["card", "cash"]
    assert second.services == {"food": "yes", "heating": "limited"}
    assert second.generator_fuel_l is None
    kall_active.refresh_from_db()
    assert kall_active.state == "limited"
    assert kall_active.last_report == second
    assert StatusReport.objects.filter(activation=kall_active).count() == 2


def test_stale_form_is_refused_and_saves_nothing(
    storm, kall, kall_active, kall_operator
):
    first = ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="web",
        state="open",
        based_on_report_id=0,
    )
    with pytest.raises(ops.StaleReport) as err:
        ops.submit_status_report(
            point=kall,
            event=storm,
            reported_by=kall_operator,
            source="web",
            state="limited",
            state_reason="x",
            based_on_report_id=0,
        )
    assert err.value.newer == first
    assert StatusReport.objects.filter(activation=kall_active).count() == 1


def test_closing_needs_a_reason(storm, kall, kall_active, kall_operator):
    with pytest.raises(TransitionRefused) as err:
        ops.submit_status_report(
            point=kall,
            event=storm,
            reported_by=kall_operator,
            source="web",
            state="closed",
        )
    assert err.value.code == RefusalCode.REASON_REQUIRED
    assert not StatusReport.objects.exists()


def test_operator_of_another_point_is_refused(
    storm, kall_active, valsjobyn, kall_operator
):
    with pytest.raises(PermissionRefused):
        ops.activate_point(event=storm, point=valsjobyn, activated_by=kall_operator)


def test_stale_goes_unknown_and_still_current_restores(
    storm, kall, kall_active, kall_operator
):
    ops.submit_status_report(
        point=kall, event=storm, reported_by=kall_operator, source="web", state="open"
    )
    assert ops.mark_stale(now=timezone.now() + timedelta(hours=3)) == []
    changed = ops.mark_stale(now=timezone.now() + timedelta(hours=5))
    assert [a.point.slug for a in changed] == ["kall"]
    kall_active.refresh_from_db()
    assert kall_active.state == "unknown"
    last = StateChange.objects.filter(activation=kall_active).last()
    assert last.automatic and last.by is None
    ops.confirm_report(event=storm, point=kall, by=kall_operator)
    kall_active.refresh_from_db()
    assert kall_active.state == "open"
    assert StatusReport.objects.count() == 1  # the report itself is unchanged


def test_delivery_updates_level_capped_by_tank(storm, kall, kall_active, kall_operator):
    tank = kall.backup_power.tank_l
    ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="web",
        state="open",
        power_source="generator",
        generator_fuel_l=tank - 50,
        generator_load_pct=50,
    )
    delivery = ops.record_fuel_delivery(
        point=kall,
        event=storm,
        recorded_by=kall_operator,
        delivered_l=120,  # 50 l free; within the 10 % the estimate may be off
        supplier="Bränslebolaget",
    )
    assert delivery.level_after_l == pytest.approx(tank)
    kall_active.refresh_from_db()
    assert kall_active.fuel_level_l == pytest.approx(tank)


def test_public_signal_sent_on_commit(
    storm, kall, kall_active, kall_operator, django_capture_on_commit_callbacks
):
    seen = []

    def receiver(sender, point, event, **kw):
        seen.append((point, event))

    public_state_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ops.submit_status_report(
                point=kall,
                event=storm,
                reported_by=kall_operator,
                source="web",
                state="open",
            )
    finally:
        public_state_changed.disconnect(receiver)
    assert seen == [(kall, storm)]


def test_end_event_closes_points_and_logs(storm, kall, kall_active, are_officer):
    ops.end_event(event=storm, by=are_officer, reason="Strömmen är tillbaka")
    kall_active.refresh_from_db()
    assert kall_active.state == "closed"
    assert kall_active.state_reason == "Strömmen är tillbaka"
    assert LogEntry.objects.filter(event=storm, kind="decision").count() >= 3


def test_delete_exercise_only(storm, are_officer, kall):
    with pytest.raises(ops.OperationRefused):
        ops.delete_exercise(event=storm, by=are_officer)
    drill = ops.create_event(
        name="Övning",
        kind="storm",
        municipalities=list(storm.municipalities.all()),
        created_by=are_officer,
        is_exercise=True,
        points=[kall],
    )
    assert str(drill).startswith("ÖVNING")
    ops.delete_exercise(event=drill, by=are_officer)
    assert not type(storm).objects.filter(pk=drill.pk).exists()
    assert type(storm).objects.filter(pk=storm.pk).exists()
    assert LogEntry.objects.filter(event=storm).exists()


def test_report_without_state_brings_an_unknown_point_back(
    storm, kall, kall_active, kall_operator
):
    ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="web",
        state="limited",
        state_reason="Bara kontanter",
    )
    ops.mark_stale(now=timezone.now() + timedelta(hours=5))
    kall_active.refresh_from_db()
    assert kall_active.state == "unknown"
    report = ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="sms",
        state=None,
        generator_fuel_pct=50,
    )
    kall_active.refresh_from_db()
    assert report.state == "limited" and kall_active.state == "limited"


def test_generator_test_run_updates_readiness(kall, kall_operator, valsjobyn):
    from sot.operations.models import Readiness
    from sot.operations.services import checklists

    checklist = checklists.start_generator_test(point=kall, by=kall_operator)
    items = list(checklist.items.all())
    assert len(items) == 5
    checklists.tick_item(item=items[0], by=kall_operator)
    again = checklists.tick_item(item=items[0], by=kall_operator)  # once only
    assert again.done_by == kall_operator
    with pytest.raises(ops.OperationRefused):
        checklists.complete_checklist(checklist=checklist, by=kall_operator)
    checklists.complete_checklist(
        checklist=checklist, by=kall_operator, result="passed", note="Gick fint"
    )
    readiness = Readiness.objects.get(point=kall)
    assert readiness.last_result == "passed" and readiness.is_ready()
    kall.backup_power.refresh_from_db()
    assert kall.backup_power.last_test_run_on == timezone.localdate()
    with pytest.raises(PermissionRefused):
        checklists.start_generator_test(point=valsjobyn, by=kall_operator)


def test_municipality_template_is_used_on_activation(storm, kall, are_officer):
    from sot.operations.services import checklists

    checklists.save_template(
        municipality=kall.municipality,
        kind="activation",
        name="Åres lista",
        items=["Ring TiB", "", "Starta elverket"],
        by=are_officer,
    )
    activation = ops.activate_point(event=storm, point=kall, activated_by=are_officer)
    checklist = activation.checklists.get()
    assert checklist.name == "Åres lista"
    assert [i.text for i in checklist.items.all()] == ["Ring TiB", "Starta elverket"]
