"""A central install and a box in one run: two databases, the link between them cut
and restored on a random schedule (hypothesis, seeded and bounded).

Central runs as its own process (`sot runserver` on a free loopback port, its own
SQLite file). The box is this test process (the test database), syncing over HTTP
with httpx through a transport that can be switched off like a dead mobile link.
Reports are made at central (over its API), at the box, and on a phone that queues
them and delivers them to the box's web form, sometimes twice. After the link
returns: no record lost, none duplicated, both sides show the same state, and the
box's copy of the public snapshot shows the box's last report after one sync.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETUP = """
import json
import django
from django.conf import settings
django.setup()
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
from sot.registry import demo
demo.load()
from sot.accounts.models import ApiToken, User
from sot.box import services as box
from sot.operations import services as ops
from sot.registry.models import Municipality, Point
now = timezone.now()
event = ops.create_event(
    name="Storm", kind="storm", created_by=None, starts_at=now - timedelta(hours=6),
    municipalities=[Municipality.objects.get(code="2321")],
)
ops.activate_point(event=event, point=Point.objects.get(slug="kall"),
                   activated_by=None, at=now - timedelta(hours=5))
_, secret = box.issue_box(name="kall-box", point_slugs=["kall"], by=None)
token = ApiToken.issue(user=User.objects.get(username="kall"), name="test")[1]
print(json.dumps({"event": event.pk, "box_token": secret, "operator_token": token}))
"""


class Link(httpx.HTTPTransport):
    """The box's link to central: a real HTTP transport that can be cut."""

    def __init__(self):
        super().__init__()
        self.up = True

    def handle_request(self, request):
        if not self.up:
            raise httpx.ConnectError("link down (test)", request=request)
        return super().handle_request(request)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    """Central: its own database and `sot runserver` on a free loopback port."""
    folder = tmp_path_factory.mktemp("central")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sot.config.settings",
        "SOT_DATABASE_URL": f"sqlite:///{folder / 'central.sqlite3'}",
        "SOT_ALLOWED_HOSTS": "127.0.0.1",
        "SOT_PUBLISH_DIR": "",
        "SOT_DEBUG": "false",
        "SOT_LOG_LEVEL": "WARNING",
    }
    setup = subprocess.run(
        [sys.executable, "-c", SETUP],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    info = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sot.cli", "runserver", f"127.0.0.1:{port}"]
        + ["--noreload", "--skip-checks"],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(url + "/api/v1/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                if server.poll() is not None:
                    pytest.fail(server.stderr.read().decode()[-3000:])
                time.sleep(0.1)
        yield {"url": url, "env": env, "folder": folder, **info}
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def box(central, db, tmp_path, settings):
    """This test's database is the box, paired with central over a link we control."""
    from sot.box import sync

    settings.BASE_DIR = tmp_path
    settings.PUBLISH_DIR = ""
    link = Link()
    sync.pair(central_url=central["url"], token=central["box_token"], transport=link)
    sync.sync(transport=link, snapshot=False)
    return link


def _central_report(central, *, uid, state, observed_at, note):
    r = httpx.post(
        f"{central['url']}/api/v1/operations/events/{central['event']}"
        "/points/kall/reports",
        json={
            "state": state,
            "uid": str(uid),
            "observed_at": observed_at.isoformat(),
            "public_note": note,
        },
        headers={"Authorization": f"Bearer {central['operator_token']}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text


def _central_view(central):
    """Central's reports of Kall and its current report, as the box would pull."""
    r = httpx.get(
        f"{central['url']}/api/v1/box/pull",
        headers={"Authorization": f"Bearer {central['box_token']}"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    payload = r.json()
    [state] = [
        a for a in payload["activation_state"] if a["id"] == _kall_activation_id()
    ]
    return [row["uid"] for row in payload["reports"]], state


def _kall_activation_id():
    from sot.operations.models import Activation

    return Activation.objects.get(point__slug="kall").pk


ACTIONS = st.lists(
    st.sampled_from(
        ["cut", "restore", "box", "central", "phone", "deliver", "sync", "sync"]
    ),
    min_size=3,
    max_size=9,
)


@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS, minutes=st.lists(st.integers(1, 240), min_size=9, max_size=9))
def test_link_cut_and_restored(central, box, client, actions, minutes):
    from sot.accounts.models import User
    from sot.box import sync
    from sot.operations import services as ops
    from sot.operations.models import Activation, Event, StatusReport
    from sot.registry.demo import DEMO_PASSWORD
    from sot.registry.models import Point

    link = box
    kall = Point.objects.get(slug="kall")
    event = Event.objects.get(pk=central["event"])
    operator = User.objects.get(username="kall")
    # The operator signs in at the box with the password they have centrally.
    assert operator.is_staff and operator.points.filter(slug="kall").exists()
    assert operator.check_password(DEMO_PASSWORD)
    client.force_login(operator)
    form = f"/drift/handelser/{event.pk}/punkter/kall/rapport/"
    made: list[str] = []
    phone: list[dict] = []
    now = timezone.now()
    for step, action in enumerate(actions):
        observed = now - timedelta(minutes=minutes[step])
        state = "open" if step % 2 else "limited"
        uid = uuid.uuid4()
        if action == "cut":
            link.up = False
        elif action == "restore":
            link.up = True
        elif action == "central":
            _central_report(
                central, uid=uid, state=state, observed_at=observed, note="central"
            )
            made.append(str(uid))
        elif action == "box":
            ops.submit_status_report(
                point=kall,
                event=event,
                reported_by=operator,
                source="web",
                state=state,
                uid=uid,
                observed_at=observed,
                public_note="box",
            )
            made.append(str(uid))
        elif action == "phone":
            phone.append(
                {
                    "uid": str(uid),
                    "state": state,
                    "observed_at": observed.isoformat(),
                    "public_note": "phone",
                }
            )
            made.append(str(uid))
        elif action == "deliver":
            _deliver(client, form, phone, twice=step % 3 == 0)
        elif action == "sync":
            try:
                sync.sync(transport=link, snapshot=False)
            except sync.SyncFailed:
                assert not link.up
    # The link returns; the phone delivers what it kept; one sync.
    link.up = True
    _deliver(client, form, phone, twice=True)
    last = uuid.uuid4()
    ops.submit_status_report(
        point=kall,
        event=event,
        reported_by=operator,
        source="web",
        state="open",
        uid=last,
        public_note=f"Boxrapport {last}",
    )
    made.append(str(last))
    sync.sync(transport=link)

    central_uids, central_state = _central_view(central)
    box_uids = [str(u) for u in StatusReport.objects.values_list("uid", flat=True)]
    for uid in made:
        assert central_uids.count(uid) == 1, uid
        assert box_uids.count(uid) == 1, uid
    assert sorted(box_uids) == sorted(central_uids)
    activation = Activation.objects.select_related("last_report").get(point=kall)
    assert str(activation.last_report.uid) == central_state["last_report_uid"]
    assert str(activation.last_report.uid) == str(last)
    assert activation.state == central_state["state"] == "open"
    page = (sync.snapshot_dir() / "punkt" / "kall" / "index.html").read_text()
    assert f"Boxrapport {last}" in page


def _deliver(client, form, phone, *, twice):
    """The phone sends what it kept to the box's form (again when it was unsure)."""
    for item in list(phone):
        for _ in range(2 if twice else 1):
            r = client.post(
                form,
                {
                    "based_on": "0",
                    "queued": "1",
                    "sent_at": timezone.now().isoformat(),
                    **item,
                },
                HTTP_X_SOT_OUTBOX="1",
            )
            assert r.status_code == 200, r.content
        phone.remove(item)


def _on_central(central, code: str) -> None:
    """Run ``code`` against central's database (as an official would, centrally)."""
    script = "import django\ndjango.setup()\n" + code
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=central["env"],
        cwd=central["folder"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_register_records_deleted_centrally_leave_the_box(central, box):
    """A point and a service of Kall deleted centrally are gone from the box's copy
    after the next sync (the pull's id sets are compared); the rest stays."""
    from sot.box import sync
    from sot.registry.models import Point, PointService

    _on_central(
        central,
        """
from sot.registry.models import Point
p = Point.objects.get(slug="ottsjo")
p.pk, p.slug, p.name = None, "gone-by", "Gone by"
p.save()
""",
    )
    sync.sync(transport=box, snapshot=False)
    assert Point.objects.filter(slug="gone-by").exists()
    services = set(
        PointService.objects.filter(point__slug="kall").values_list(
            "service__code", flat=True
        )
    )
    assert "phone_charging" in services
    _on_central(
        central,
        """
from sot.registry.models import Point, PointService
Point.objects.filter(slug="gone-by").delete()
PointService.objects.filter(point__slug="kall", service__code="phone_charging").delete()
""",
    )
    result = sync.sync(transport=box, snapshot=False)
    assert result.pulled["removed"] >= 2  # the point, its services, Kall's one
    assert not Point.objects.filter(slug="gone-by").exists()
    left = set(
        PointService.objects.filter(point__slug="kall").values_list(
            "service__code", flat=True
        )
    )
    assert left == services - {"phone_charging"}
    assert Point.objects.filter(slug="kall").exists()
    assert Point.objects.filter(slug="ottsjo").exists()
    # nothing more goes at the next sync
    assert sync.sync(transport=box, snapshot=False).pulled["removed"] == 0
