"""Endpoints a box calls on central (``/api/v1/box/...``), with its box token.

``GET hello``: who the box is and central's time. ``POST push``: records made at the
box (stored once by client-made id). ``GET pull``: the copies the box keeps.
``POST snapshot``: the files of the public site that differ from the box's copy
(central's published snapshot when it publishes one, else built now).
``GET snapshot``: the whole site as a zip, built now.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer

from sot.box import mirror, replicate, services
from sot.public import site

router = Router()
PREFIX = "/box"


class BoxAuth(HttpBearer):
    """A box token (``sotbox_...``), valid while not revoked centrally."""

    def authenticate(self, request, token: str):
        box = services.authenticate(token)
        if box is not None:
            request.box = box
        return box


box_auth = BoxAuth()


class HelloOut(Schema):
    name: str
    points: list[str]
    county_code: str
    central_time: datetime


class PushIn(Schema):
    sent_at: datetime | None = None
    records: list[dict]


class PushAnswer(Schema):
    uid: str | None
    status: str
    detail: str = ""


class PushOut(Schema):
    central_time: datetime
    results: list[PushAnswer]


@router.get(f"{PREFIX}/hello", response=HelloOut, auth=box_auth)
def hello(request, sent_at: datetime | None = None):
    """Who this box is (its points and county) and central's clock."""
    services.heard_from(request.box, sent_at=sent_at)
    return services.describe(request.box)


@router.post(f"{PREFIX}/push", response=PushOut, auth=box_auth)
def push(request, data: PushIn):
    """Records made at the box; each answered ``stored``, ``history`` or
    ``refused``. Sending a record again stores nothing twice."""
    results = services.receive(
        box=request.box, records=data.records, sent_at=data.sent_at
    )
    return {"central_time": timezone.now(), "results": results}


@router.get(f"{PREFIX}/pull", auth=box_auth)
def pull(request):
    """The register of the box's county, its events, activations, warnings in
    force, its points' operators and their reports."""
    payload = replicate.pull_payload(request.box)
    payload["central_time"] = timezone.now().isoformat()
    return payload


class SnapshotIn(Schema):
    #: What the box has: relative path -> SHA-256 of its content.
    have: dict[str, str] = {}


@router.post(f"{PREFIX}/snapshot", auth=box_auth)
def snapshot_changes(request, data: SnapshotIn):
    """Only the files of the public site that differ from what the box has, as a
    zip, with the whole list (``.sot-box-snapshot.json``) so the box removes what
    is gone. Central's published snapshot when it publishes one, else built now."""
    content, built_at, count = mirror.changes_zip(data.have)
    response = HttpResponse(content, content_type="application/zip")
    response["X-Sot-Snapshot-At"] = built_at
    response["X-Sot-Snapshot-Files"] = str(count)
    return response


@router.get(f"{PREFIX}/snapshot", auth=box_auth)
def snapshot(request):
    """The public site as a zip (the files of ``sot publish``), built now."""

    built_at = timezone.now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in sorted(site.build_files().items()):
            archive.writestr(name, body)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["X-Sot-Snapshot-At"] = built_at.isoformat()
    return response
