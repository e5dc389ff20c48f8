"""The operator's pages as an installable web app that works without a network.

The forms carry a client-made id (``uid``) and the observed time (``observed_at``).
Without JavaScript they post as always. With JavaScript, ``static/operations/
outbox.js`` keeps each submission in the phone's IndexedDB first and posts it with
the header ``X-Sot-Outbox: 1``; the views answer such posts with JSON (this module),
so the page can tell "delivered" from "refused" from "no network". A submission that
had to wait says ``queued=1``: it skips the stale-form check, because the newest
observation wins anyway (:mod:`sot.operations.core.observation`).

The service worker (``/drift/sw.js``, scope ``/drift/``) keeps the operator's pages
and sends the outbox on Background Sync where the browser has it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

OUTBOX_HEADER = "HTTP_X_SOT_OUTBOX"


def from_outbox(request) -> bool:
    """True for a post sent by the page's outbox script (answer with JSON)."""
    return request.META.get(OUTBOX_HEADER) == "1"


def was_queued(request) -> bool:
    """True for a submission that waited for the network (no stale-form check)."""
    return from_outbox(request) and request.POST.get("queued") == "1"


def _time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def client_fields(post) -> dict:
    """``uid``, ``observed_at`` and ``sent_at`` from a form post (None if absent).

    A malformed value counts as absent: these are hidden fields, and the record is
    still stored (with the server's time and a fresh id) rather than lost.
    """
    try:
        uid = uuid.UUID(post.get("uid", ""))
    except ValueError:
        uid = None
    return {
        "uid": uid,
        "observed_at": _time(post.get("observed_at", "")),
        "sent_at": _time(post.get("sent_at", "")),
    }


def answer(kind: str, record, *, time_field: str, label: str, redirect: str = ""):
    """The JSON answer to an outbox post that was stored (or already had been)."""
    uid = getattr(record, "uid", None) or getattr(record, "done_uid", None)
    received = getattr(record, "received_at", None) or getattr(
        record, "done_received_at", None
    )
    return JsonResponse(
        {
            "ok": True,
            "kind": kind,
            "uid": str(uid),
            "label": label,
            "observed_at": getattr(record, time_field).isoformat(),
            "received_at": received.isoformat() if received else None,
            "redirect": redirect,
        }
    )


def refused(message: str, status: int = 422) -> JsonResponse:
    """The JSON answer to an outbox post the server will not store."""
    return JsonResponse({"ok": False, "error": message}, status=status)


@never_cache
def service_worker(request):
    """The service worker, from a path whose scope covers the operator's pages."""
    path = finders.find("operations/sw.js")
    with open(path, encoding="utf-8") as f:
        body = f.read()
    body = body.replace("__OUTBOX_JS__", static("operations/outbox.js")).replace(
        "__PRECACHE__",
        repr(
            [
                reverse("operations:operator"),
                static("operations/ops.css"),
                static("operations/outbox.js"),
                static("operations/sot.svg"),
            ]
        ).replace("'", '"'),
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/drift/"
    return response


def manifest(request):
    """The web app manifest: "sot punkt" on the phone's home screen."""
    return JsonResponse(
        {
            "name": "sot – min SOT-punkt",
            "short_name": "sot punkt",
            "lang": "sv",
            "start_url": reverse("operations:operator"),
            "scope": "/drift/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1d3b5a",
            "icons": [
                {
                    "src": static("operations/sot.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                    "purpose": "any",
                }
            ],
        },
        content_type="application/manifest+json",
    )
