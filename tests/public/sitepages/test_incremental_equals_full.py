"""After any sequence of incremental publishes the snapshot is byte for byte what a
full rebuild at the same moment writes (#15).

Every publish here is given the same ``now`` (the snapshot's pages print the time
they were made), and the changes go through the real path: the service call, the
receivers writing the change down on commit, ``publish_pending`` (the fast part)
and ``publish_lists`` (the deferred files that list every point).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from sot.public import site
from sot.public.core import snapshot


def _tree(root: Path) -> dict[str, bytes]:
    root = root.resolve()
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _assert_same_as_full(target: Path, tmp_path: Path, now) -> None:
    fresh = tmp_path / "fresh"
    site.publish(fresh, now=now)
    got, want = _tree(target), _tree(fresh)
    ours = snapshot.current_manifest(target)
    theirs = snapshot.current_manifest(fresh)
    got.pop(snapshot.MANIFEST), want.pop(snapshot.MANIFEST)
    assert sorted(set(got) ^ set(want)) == []
    different = sorted(p for p in want if got[p] != want[p])
    assert different == []
    for key in ("files", "notices", "cap"):
        assert ours[key] == theirs[key], key
    assert snapshot.verify(target) == []


def _publish(target, now, capture, change) -> None:
    """Make one change as the app does and publish it as the task worker does."""
    with capture(execute=True):
        change()
    assert site.publish_pending(target, now=now) is not None
    site.publish_lists(target, now=now)


@pytest.fixture
def country(db, settings, tmp_path):
    """Two counties, one with more points than a county page lists, published."""
    from sot.accounts.models import User
    from sot.operations import country as generator

    generator.generate(points=150, activations=120, reports=200, seed=5,
                       county_codes=["23", "25"])  # fmt: skip
    settings.PUBLISH_DIR = str(tmp_path / "site")
    return User.objects.create_superuser("editor", password="x")


def _editor():
    from sot.accounts.models import User

    return User.objects.get(username="editor")


def _report(point, state, note):
    from sot.operations import services as ops
    from sot.operations.models import Activation

    act = Activation.objects.filter(point=point).select_related("event").first()
    ops.submit_status_report(
        point=point,
        event=act.event,
        reported_by=_editor(),
        source="web",
        state=state,
        state_reason="Elverket stannade" if state == "closed" else "",
        based_on_report_id=None,
        power_source="generator",
        services={"food": "limited"},
        fuel_products={"diesel": "no"},
        payment_methods=["card"],
        public_note=note,
    )


def test_incremental_publishes_equal_a_full_rebuild(
    country, settings, tmp_path, django_capture_on_commit_callbacks
):
    from sot.operations.models import Activation
    from sot.public.models import PublicMessage
    from sot.public.services import save_message
    from sot.registry import services as registry
    from sot.registry.models import Municipality, Point

    editor = country
    target = Path(settings.PUBLISH_DIR)
    now = timezone.now() + timedelta(minutes=2)
    site.publish(target, now=now)
    capture = django_capture_on_commit_callbacks
    activated = list(
        Point.objects.filter(activations__isnull=False).distinct().order_by("slug")
    )
    big = max(("23", "25"), key=lambda c: Point.objects.filter(
        municipality__county_code=c).count())  # fmt: skip
    open_ = set(Activation.objects.filter(state="open").values_list("point", flat=True))
    in_big = sorted(
        (p for p in activated if p.municipality.county_code == big),
        key=lambda p: p.pk not in open_,  # the open ones first
    )

    # a status report that moves the point in every list (open -> closed)
    _publish(target, now, capture, lambda: _report(in_big[0], "closed", "Stängt."))
    # a renamed point (its place in the lists changes)
    renamed = in_big[1]
    _publish(
        target, now, capture,
        lambda: registry.save_point(actor=editor, point=renamed,
                                    data={"name": "Aaa första punkten"}),
    )  # fmt: skip
    # a point moved to a municipality of the other county
    moved = in_big[2]
    other = Municipality.objects.exclude(county_code=big).exclude(
        code=moved.municipality.code).order_by("code").first()  # fmt: skip
    probe = Point.objects.filter(municipality=other).first()
    _publish(
        target, now, capture,
        lambda: registry.save_point(
            actor=editor, point=moved, confirm=True,
            data={"municipality_code": other.code, "lat": probe.lat,
                  "lon": probe.lon}),
    )  # fmt: skip
    # a point taken out of service (gone from the site)
    gone = in_big[3]
    _publish(
        target, now, capture,
        lambda: registry.save_point(actor=editor, point=gone,
                                    data={"lifecycle": "decommissioned"}),
    )  # fmt: skip
    # a message about a point, and a report on a standby point's neighbour
    pt = in_big[4]
    _publish(
        target, now, capture,
        lambda: save_message(actor=editor, message=PublicMessage(
            municipality=pt.municipality, point=pt, published_at=now - timedelta(
                minutes=1), text="Diesel bara till räddningstjänsten.")),
    )  # fmt: skip
    last = next(p for p in reversed(activated) if p.pk in open_)
    _publish(target, now, capture, lambda: _report(last, "limited", "Halvfart."))

    assert not (target / "punkt" / gone.slug / "index.html").exists()
    page = (target / "punkt" / last.slug / "index.html").read_text()
    assert "Halvfart." in page
    geo = json.loads((target / "punkter.geojson").read_text())
    states = {f["id"]: f["properties"]["state"] for f in geo["features"]}
    assert gone.slug not in states and states[in_big[0].slug] == "closed"
    _assert_same_as_full(target, tmp_path, now)
