"""Rendered public pages are kept until the public data changes (#15): a repeated
request renders nothing, and a change shows on the very next request."""

from __future__ import annotations

import gzip

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def test_a_status_change_shows_on_the_next_request(
    client, kall_open, exercise, kall, kall_operator
):
    from sot.operations import services as ops

    first, rendered = _get(client, "/punkt/kall/")
    assert "Öppen" in first.content.decode()
    again, hit = _get(client, "/punkt/kall/")
    assert again.content == first.content
    assert hit == 1 < rendered  # the version only: no data loaded, nothing rendered
    ops.submit_status_report(
        point=kall,
        event=exercise,
        reported_by=kall_operator,
        source="sms",
        state="closed",
        state_reason="Elverket trasigt",
    )
    after, queries = _get(client, "/punkt/kall/")
    page = after.content.decode()
    assert "Stängd" in page and after.content != first.content
    assert queries > 1
    start, _ = _get(client, "/")
    assert "0 av 8 punkter öppna" in start.content.decode()


def test_a_register_change_and_a_delete_show_on_the_next_request(client, kall_open):
    from sot.public.models import PublicMessage
    from sot.registry.models import Point

    assert "Kall" in client.get("/punkt/kall/").content.decode()
    point = Point.objects.get(slug="kall")
    point.name = "Kall handel"
    point.save()
    assert "<h1>Kall handel" in client.get("/punkt/kall/").content.decode()
    message = PublicMessage.objects.create(
        municipality=kall_open.municipality,
        point=kall_open,
        text="Vattnet är tjänligt igen",
    )
    assert "Vattnet är tjänligt igen" in client.get("/meddelanden/").content.decode()
    message.delete()
    assert (
        "Vattnet är tjänligt igen" not in client.get("/meddelanden/").content.decode()
    )


def test_etag_match_is_a_304_before_rendering(client, kall_open):
    first = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    again, queries = _get(
        client,
        "/",
        HTTP_ACCEPT_ENCODING="gzip",
        HTTP_IF_NONE_MATCH=first["ETag"],
    )
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert queries == 1
    # the identity representation comes from the same entry, with its own tag
    plain, queries = _get(client, "/")
    assert "Content-Encoding" not in plain and queries == 1
    assert plain.content == gzip.decompress(first.content)
    assert plain["ETag"] != first["ETag"]


def test_languages_and_missing_pages_are_not_mixed_up(client, kall_open):
    assert '<html lang="sv">' in client.get("/punkt/kall/").content.decode()
    assert '<html lang="en">' in client.get("/en/punkt/kall/").content.decode()
    assert client.get("/punkt/finns-inte/").status_code == 404
    assert client.get("/punkt/finns-inte/").status_code == 404


def test_the_bookkeeping_models_left_out_are_real_models():
    """``NOT_PUBLIC`` names models by label: a renamed model (``FeedSource`` became
    ``WarningSource`` in #10) must be renamed there too, or its every save empties
    the page cache."""
    from django.apps import apps

    from sot.public.pagecache import NOT_PUBLIC

    labels = {m._meta.label_lower for m in apps.get_models()}
    assert sorted(NOT_PUBLIC - labels) == []


def test_polling_a_warning_source_is_no_public_change(db):
    """The poller saves every source it polls (every 30 s); that changes no public
    page, so the cached pages stay."""
    from sot.public import pagecache
    from sot.warnings import polling

    source = polling.ensure_sources()[0]
    before = pagecache.version()
    source.failures += 1
    source.save()
    assert pagecache.version() == before
