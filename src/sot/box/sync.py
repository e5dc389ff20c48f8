"""Box side: pairing with central and the sync (push, pull, snapshot) over HTTP.

``sot box init`` calls :func:`pair`; ``sot box sync`` and the scheduler call
:func:`sync`. A sync pushes the records made at the box that central does not have
yet, and only when all of them were answered, pulls the copies and the public
snapshot. Any network error leaves everything as it was: the next sync tries again,
and since central stores each client-made id once, sending twice is harmless.
"""

from __future__ import annotations

import logging
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sot.box import mirror, replicate
from sot.box.models import Link, Synced
from sot.box.services import OPERATOR_LOG_KINDS
from sot.config import env
from sot.operations.models import (
    ChecklistItem,
    FuelDelivery,
    LogEntry,
    ReportConfirmation,
    StatusReport,
)

log = logging.getLogger("sot.box")

BOX_DIR = env.register(
    env.Setting(
        "SOT_BOX_DIR",
        "box",
        "On a box: folder (relative to the working directory) for the public "
        "snapshot pulled from central.",
    )
)
BOX_SYNC_S = env.register(
    env.Setting(
        "SOT_BOX_SYNC_S",
        "60",
        "On a box: seconds between sync attempts with central (the scheduler runs "
        "`sot box sync` whenever central answers).",
        kind="int",
    )
)
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class SyncFailed(Exception):
    """Central could not be reached or answered with an error."""


@dataclass
class Result:
    pushed: int = 0
    refused: list[str] = field(default_factory=list)
    pulled: dict[str, int] = field(default_factory=dict)
    snapshot_files: int = 0


def link() -> Link | None:
    """This install's link to central (None: not a box)."""
    return Link.objects.first()


def is_box() -> bool:
    return Link.objects.exists()


def snapshot_dir() -> Path:
    return Path(settings.BASE_DIR) / BOX_DIR.value() / "snapshot"


def _client(url: str, token: str, transport=None) -> httpx.Client:
    return httpx.Client(
        base_url=url.rstrip("/") + "/api/v1/box/",
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
        transport=transport,
    )


def _call(client: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise SyncFailed(f"central svarar inte: {exc}") from exc
    if response.status_code == 401:
        raise SyncFailed("central tar inte emot boxens nyckel (återkallad?)")
    if response.status_code >= 400:
        raise SyncFailed(
            f"central svarade {response.status_code}: {response.text[:200]}"
        )
    return response


def pair(*, central_url: str, token: str, transport=None) -> Link:
    """Check the token with central and make this install a box for its points."""
    with _client(central_url, token, transport) as client:
        hello = _call(
            client, "GET", "hello", params={"sent_at": timezone.now().isoformat()}
        ).json()
    with transaction.atomic():
        Link.objects.all().delete()
        return Link.objects.create(
            central_url=central_url.rstrip("/"),
            token=token,
            name=hello["name"],
            point_slugs=hello["points"],
            county_code=hello["county_code"],
        )


def outgoing() -> list[dict]:
    """The records made at this box that central does not have yet, oldest first."""
    synced = Synced.objects.values("uid")
    records: list[dict] = []
    for r in (
        StatusReport.objects.filter(via_box="")
        .exclude(uid__in=synced)
        .select_related("activation__point")
    ):
        records.append(
            {
                "kind": "report",
                "uid": str(r.uid),
                "point": r.activation.point.slug,
                "event": r.activation.event_id,
                "observed_at": r.observed_at.isoformat(),
                "author": r.reporter_name,
                "source": r.source,
                "state": r.state,
                "state_reason": r.state_reason,
                "fields": {
                    name: getattr(r, name)
                    for name in replicate.REPORT_COPY
                    if name not in ("state", "state_reason", "reporter_name", "source")
                },
            }
        )
    for c in (
        ReportConfirmation.objects.filter(via_box="")
        .exclude(uid__in=synced)
        .select_related("report__activation__point")
    ):
        records.append(
            {
                "kind": "confirmation",
                "uid": str(c.uid),
                "point": c.report.activation.point.slug,
                "event": c.report.activation.event_id,
                "observed_at": c.confirmed_at.isoformat(),
            }
        )
    for d in (
        FuelDelivery.objects.filter(via_box="")
        .exclude(uid__in=synced)
        .select_related("activation__point")
    ):
        records.append(
            {
                "kind": "delivery",
                "uid": str(d.uid),
                "point": d.activation.point.slug,
                "event": d.activation.event_id,
                "observed_at": d.delivered_at.isoformat(),
                "delivered_l": d.delivered_l,
                "supplier": d.supplier,
                "note": d.note,
            }
        )
    for e in (
        LogEntry.objects.filter(
            via_box="", kind__in=OPERATOR_LOG_KINDS, point__isnull=False
        )
        .exclude(uid__in=synced)
        .select_related("point")
    ):
        records.append(
            {
                "kind": "log",
                "uid": str(e.uid),
                "point": e.point.slug,
                "event": e.event_id,
                "observed_at": e.at.isoformat(),
                "author": e.author_name,
                "log_kind": e.kind,
                "text": e.text,
            }
        )
    for item in (
        ChecklistItem.objects.filter(done_uid__isnull=False)
        .exclude(done_uid__in=synced)
        .select_related("checklist__point")
    ):
        records.append(
            {
                "kind": "tick",
                "uid": str(item.done_uid),
                "point": item.checklist.point.slug,
                "item": item.pk,
                "observed_at": item.done_at.isoformat(),
            }
        )
    return records


def push(client: httpx.Client) -> tuple[int, list[str]]:
    records = outgoing()
    if not records:
        return 0, []
    answer = _call(
        client,
        "POST",
        "push",
        json={"sent_at": timezone.now().isoformat(), "records": records},
    ).json()
    kinds = {r["uid"]: r["kind"] for r in records}
    refused = []
    for result in answer["results"]:
        uid = result["uid"]
        if result["status"] == "refused":
            refused.append(f"{kinds.get(uid)} {uid}: {result.get('detail', '')}")
        # Refused records are not sent again (central's answer will not change);
        # they stay in the box's history and in the box's log as refused.
        Synced.objects.get_or_create(
            uid=uuid.UUID(uid), defaults={"kind": kinds.get(uid, "?")[:20]}
        )
    return len(records), refused


def pull(client: httpx.Client) -> dict[str, int]:
    payload = _call(client, "GET", "pull").json()
    return replicate.apply_payload(payload)


def pull_snapshot(client: httpx.Client) -> tuple[int, str]:
    """Bring the box's copy of the public snapshot in step with central: only the
    files that changed are fetched and written (:mod:`sot.box.mirror`). Returns
    (files written or removed, the snapshot's time)."""
    target = snapshot_dir()
    have = mirror.local_manifest(target)
    response = _call(client, "POST", "snapshot", json={"have": have})
    try:
        written, removed, built_at = mirror.apply_zip(target, response.content, have)
    except (mirror.BadSnapshot, zipfile.BadZipFile) as exc:
        raise SyncFailed(str(exc)) from exc
    if written or removed:
        log.info("box snapshot: %s written, %s removed", len(written), len(removed))
    return len(written) + len(removed), built_at or response.headers.get(
        "X-Sot-Snapshot-At", ""
    )


def sync(*, transport=None, snapshot: bool = True) -> Result:
    """Push, then pull and fetch the snapshot. Raises :class:`SyncFailed`."""
    current = link()
    if current is None:
        raise SyncFailed("den här installationen är ingen box (kör sot box init)")
    Link.objects.filter(pk=current.pk).update(last_attempt_at=timezone.now())
    result = Result()
    try:
        with _client(current.central_url, current.token, transport) as client:
            result.pushed, result.refused = push(client)
            result.pulled = pull(client)
            if snapshot:
                result.snapshot_files, built_at = pull_snapshot(client)
                Link.objects.filter(pk=current.pk).update(
                    snapshot_at=parse_datetime(built_at) if built_at else timezone.now()
                )
    except SyncFailed as exc:
        Link.objects.filter(pk=current.pk).update(last_error=str(exc)[:500])
        raise
    Link.objects.filter(pk=current.pk).update(
        last_sync_at=timezone.now(), last_error=""
    )
    for line in result.refused:
        log.warning("central refused %s", line)
    return result


def scheduled_sync() -> object:
    """The scheduler's job on a box: sync when central answers (errors are logged)."""
    if not is_box():
        return None
    try:
        return sync()
    except SyncFailed as exc:
        log.info("box sync: %s", exc)
        return None
