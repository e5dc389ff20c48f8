"""Every 500 is logged with its traceback and a request id the error page shows;
error pages are Swedish (English under /en/) with a way back (#12)."""

import logging

import pytest

pytestmark = pytest.mark.db


@pytest.fixture
def broken_dashboard(monkeypatch):
    """The dashboard's query fails as a bug would."""
    from sot.operations import queries

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug in point_rows")

    monkeypatch.setattr(queries, "point_rows", boom)


def test_500_is_logged_with_traceback_and_the_page_shows_the_id(
    client, coordinator, broken_dashboard, caplog
):
    client.raise_request_exception = False
    client.force_login(coordinator)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        r = client.get("/drift/oversikt/")
    assert r.status_code == 500
    request_id = r.headers["X-Request-ID"]
    assert len(request_id) == 12
    page = r.content.decode()
    assert "Något gick fel" in page and request_id in page
    assert 'href="/drift/"' in page
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert errors, "the 500 was not logged"
    assert errors[0].request_id == request_id
    assert errors[0].exc_info is not None
    assert "simulated bug" in caplog.text


def test_a_proxy_request_id_is_kept(client, db):
    r = client.get("/finns-inte/", HTTP_X_REQUEST_ID="proxy-abc-123")
    assert r.headers["X-Request-ID"] == "proxy-abc-123"
    r = client.get("/finns-inte/", HTTP_X_REQUEST_ID="<script>")
    assert r.headers["X-Request-ID"] != "<script>"


def test_404_is_swedish_with_a_way_back(client, db):
    r = client.get("/drift/finns-inte/")
    assert r.status_code == 404
    page = r.content.decode()
    assert "Sidan finns inte" in page and 'lang="sv"' in page


def test_404_under_en_is_english(client, db):
    r = client.get("/en/does-not-exist/")
    assert r.status_code == 404
    page = r.content.decode()
    assert "Page not found" in page and 'href="/en/"' in page


def test_api_500_is_json_with_the_id(client, coordinator, monkeypatch):
    from sot.operations import queries

    def boom(*args, **kwargs):
        raise RuntimeError("simulated")

    monkeypatch.setattr(queries, "visible_events", boom)
    client.raise_request_exception = False
    client.force_login(coordinator)
    r = client.get("/api/v1/operations/events")
    assert r.status_code == 500
    assert r.json()["request_id"] == r.headers["X-Request-ID"]
