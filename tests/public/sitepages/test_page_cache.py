"""Rendered public pages are kept until the public data changes (#15): a repeated
request renders nothing and asks the database nothing, a change made in this
process shows on the very next request, and one made elsewhere (another worker,
the task worker) within ``pagecache.CHECK_S``."""

from __future__ import annotations

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def trust_the_version(monkeypatch):
    """The version read is trusted for a minute, so a slow first render on a
    loaded machine does not make the next request read it again."""
    from sot.public import pagecache

    monkeypatch.setattr(pagecache, "CHECK_S", 60)


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def test_a_status_change_shows_on_the_next_request(
    client, kall_open, exercise, kall, kall_operator, trust_the_version
):
    from sot.operations import services as ops

    first, rendered = _get(client, "/punkt/kall/")
    assert "Öppen" in first.content.decode()
    again, hit = _get(client, "/punkt/kall/")
    assert again.content == first.content
    assert hit == 0 < rendered  # no query at all: nothing loaded, nothing rendered
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


def test_etag_match_is_a_304_before_rendering(client, kall_open, trust_the_version):
    first = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    again, queries = _get(
        client,
        "/",
        HTTP_ACCEPT_ENCODING="gzip",
        HTTP_IF_NONE_MATCH=first["ETag"],
    )
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert queries == 0
    # the identity representation comes from the same entry, with its own tag
    plain, queries = _get(client, "/")
    assert "Content-Encoding" not in plain and queries == 0
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


def test_a_change_made_by_another_process_shows_within_the_bound(
    client, kall_open, monkeypatch
):
    """A change this process did not make (no signal here: an update and its
    change row written as another worker would) is seen once ``CHECK_S`` has
    passed since the version was last read, and not asked for before. The
    check's clock is moved by hand, so a slow render cannot blur the bound."""
    from sot.public import pagecache
    from sot.public.models import PublicChange
    from sot.registry.models import Point

    now = [1000.0]
    monkeypatch.setattr(pagecache, "clock", lambda: now[0])
    assert pagecache.CHECK_S == 1.0  # SOT_PAGE_CACHE_CHECK_MS, documented
    assert "<h1>Kall" in client.get("/punkt/kall/").content.decode()
    Point.objects.filter(slug="kall").update(name="Kall lanthandel")
    PublicChange.objects.bulk_create([PublicChange()])  # bulk: no signal
    now[0] += 0.9
    cached, queries = _get(client, "/punkt/kall/")
    assert queries == 0 and "Kall lanthandel" not in cached.content.decode()
    now[0] += 0.1
    fresh, queries = _get(client, "/punkt/kall/")
    assert queries > 1 and "<h1>Kall lanthandel" in fresh.content.decode()


def test_every_request_asks_when_the_bound_is_zero(client, kall_open, monkeypatch):
    from sot.public import pagecache

    monkeypatch.setattr(pagecache, "CHECK_S", 0)
    client.get("/")
    _, queries = _get(client, "/")
    assert queries == 1


def test_a_change_committed_out_of_order_changes_the_version(kall_open):
    """Two writers: the one with the smaller change id commits second. The newest
    id stays the same, the version must not."""
    from sot.public import pagecache
    from sot.public.models import PublicChange

    for _ in range(3):
        PublicChange.objects.create()
    late, newest = PublicChange.objects.order_by("-pk")[:2][::-1]
    late_pk = late.pk
    late.delete()  # as if its transaction had not committed yet
    before = pagecache.read_version()
    PublicChange.objects.bulk_create([PublicChange(pk=late_pk)])  # now it commits
    after = pagecache.read_version()
    assert after[0] == before[0] == newest.pk and after != before


def _count_views(monkeypatch) -> list[str]:
    """Counts the requests that reached the page cache in a view."""
    from sot.public import http, views

    calls: list[str] = []

    def cached_page(request, *args, **kwargs):
        calls.append(request.path)
        return http.cached_page(request, *args, **kwargs)

    monkeypatch.setattr(views, "cached_page", cached_page)
    return calls


def _headers(response) -> dict:
    return {k: v for k, v in response.items() if k != "X-Request-ID"}


def test_a_kept_page_is_answered_whole_before_the_middleware(
    client, kall_open, monkeypatch, trust_the_version
):
    """The second request of the same page and variant gets the first one's
    headers and bytes without reaching the view (sot.config.frontcache)."""
    views_reached = _count_views(monkeypatch)
    first = client.get("/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
    again, queries = _get(client, "/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
    assert views_reached == ["/punkt/kall/"] and queries == 0
    assert again.status_code == 200 and again.content == first.content
    assert _headers(again) == _headers(first)
    assert "Content-Security-Policy" in again and again["Content-Encoding"] == "gzip"
    assert again["X-Request-ID"] != first["X-Request-ID"]
    not_modified = client.get(
        "/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert not_modified.status_code == 304 and views_reached == ["/punkt/kall/"]
    assert not_modified["ETag"] == first["ETag"]
    # the identity representation is its own variant, from the page kept
    plain = client.get("/punkt/kall/")
    assert "Content-Encoding" not in plain
    assert plain.content == gzip.decompress(first.content)
    assert views_reached == ["/punkt/kall/"] * 2


def test_the_language_cookie_is_its_own_variant(client, kall_open, monkeypatch):
    """A chosen language adds ``Vary: Cookie`` (sot.config.middleware); such a
    response is not replayed to a request without the cookie, nor the reverse."""
    views_reached = _count_views(monkeypatch)
    assert "Cookie" not in client.get("/").get("Vary", "")
    client.cookies["django_language"] = "en"
    chosen = client.get("/")
    assert "Cookie" in chosen["Vary"] and chosen["Content-Language"] == "en"
    assert _headers(client.get("/")) == _headers(chosen)
    del client.cookies["django_language"]
    plain = client.get("/")
    assert "Cookie" not in plain.get("Vary", "") and plain["Content-Language"] == "sv"
    assert views_reached == ["/", "/"]


def test_requests_with_a_query_or_another_method_go_through(client, kall_open):
    client.get("/punkt/kall/")
    head = client.head("/punkt/kall/")
    assert head.status_code == 200 and head.content == b""
    query, queries = _get(client, "/punkt/kall/?x=1")
    assert query.status_code == 200 and "X-Request-ID" in query


def test_a_kept_response_past_its_age_is_sent_while_one_request_renders_it(
    client, kall_open, monkeypatch, trust_the_version
):
    """Stale while revalidate before the middleware (sot.config.frontcache): past
    its age, the kept response goes on being sent (same bytes and headers, no
    view reached) while one request has the page rendered again; that request
    then keeps a fresh one."""
    import time

    from sot.config import frontcache
    from sot.public import pagecache, pages

    views_reached = _count_views(monkeypatch)
    first = client.get("/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
    cache = pagecache.cache()
    (entry_key,) = [k.split(":", 2)[-1] for k in cache._cache if ":front:gz:" in k]
    page_key = entry_key.split(":", 3)[-1]  # front:<variant>:<page key>
    _fresh, headers, body = cache.get(entry_key)
    cache.set(entry_key, (time.time() - 1, headers, body))  # as if 30 s had passed
    _fresh, page = cache.get(page_key)
    cache.set(page_key, (time.time() - 1, page))
    assert frontcache._revalidate(entry_key)  # another request is rendering it
    try:
        meanwhile, queries = _get(client, "/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
    finally:
        frontcache._revalidating.discard(entry_key)
    assert views_reached == ["/punkt/kall/"] and queries == 0
    assert meanwhile.content == first.content
    assert _headers(meanwhile) == _headers(first)
    renders = []
    real = pages.render_point

    def render_point(*args, **kwargs):
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "render_point", render_point)
    again = client.get("/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")  # revalidates
    assert views_reached == ["/punkt/kall/"] * 2 and renders == [1]
    assert again.content == first.content and not frontcache._revalidating
    assert cache.get(entry_key)[0] > time.time()  # fresh again
    client.get("/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
    assert views_reached == ["/punkt/kall/"] * 2  # answered in front again


def test_a_copy_sent_past_its_age_is_kept_in_front_too(
    client, kall_open, monkeypatch, trust_the_version
):
    """A request that finds no kept response but a page past its age that another
    request is rendering gets the page's kept copy through the chain; that copy is
    kept in front (past its age), so the requests meanwhile need not go through."""
    import time

    from sot.config import frontcache
    from sot.public import http, pagecache

    views_reached = _count_views(monkeypatch)
    first = client.get("/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
    cache = pagecache.cache()
    (entry_key,) = [k.split(":", 2)[-1] for k in cache._cache if ":front:gz:" in k]
    page_key = entry_key.split(":", 3)[-1]
    cache.delete(entry_key)  # this variant not kept yet
    _fresh, page = cache.get(page_key)
    cache.set(page_key, (time.time() - 1, page))  # the page past its age
    http._flights[page_key] = http._Flight()  # another request renders it
    try:
        through = client.get("/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
        assert views_reached == ["/punkt/kall/"] * 2
        assert through.content == first.content
        fresh_until, _headers_kept, body = cache.get(entry_key)
        # answered in front for a second before a request goes through again
        assert fresh_until <= time.time() + frontcache.RECHECK_S
        assert body == first.content
        within = client.get("/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
        assert views_reached == ["/punkt/kall/"] * 2  # answered in front
        assert within.content == first.content
        cache.set(entry_key, (time.time() - 0.1, _headers_kept, body))
        assert frontcache._revalidate(entry_key)  # one request goes through...
        try:
            meanwhile = client.get("/punkt/kall/", HTTP_ACCEPT_ENCODING="gzip")
        finally:
            frontcache._revalidating.discard(entry_key)
        # ...the others are answered in front
        assert views_reached == ["/punkt/kall/"] * 2
        assert meanwhile.content == first.content
    finally:
        del http._flights[page_key]
