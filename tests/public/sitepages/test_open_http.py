"""The open endpoints over HTTP: CORS for other origins, strong SHA-256 ETags that
survive gzip, and the CSV's media type (#14)."""

from __future__ import annotations

import gzip
import hashlib
import io

import pytest

ORIGIN = {"HTTP_ORIGIN": "https://karta.example.org"}
OPEN_READS = [
    "/",
    "/en/",
    "/punkt/kall/",
    "/punkter.geojson",
    "/punkter.csv",
    "/feeds/cap.atom",
    "/feeds/meddelanden.atom",
    "/ogc/",
    "/ogc/collections/points/items",
    "/ogc/no/such/thing",
    "/api/v1/points",
    "/api/v1/points.geojson",
    "/api/v1/points/kall",
]


@pytest.mark.parametrize("url", OPEN_READS)
def test_open_reads_allow_any_origin(client, kall_open, url):
    response = client.get(url, **ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    head = client.head(url, **ORIGIN)
    assert head["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", ["/punkter.geojson", "/api/v1/points.geojson"])
def test_preflight_allows_get_only(client, jamtland, url):
    ok = client.options(
        url,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
        **ORIGIN,
    )
    assert ok.status_code == 204
    assert ok["Access-Control-Allow-Origin"] == "*"
    assert ok["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in ok["Access-Control-Allow-Headers"]
    post = client.options(url, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **ORIGIN)
    assert "Access-Control-Allow-Origin" not in post


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/login/",
        "/api/v1/openapi.json",
        "/api/v1/operations/events",
        "/api/v1/warnings",
        "/api/v1/notify/roster",
        "/i18n/setlang/",
    ],
)
def test_officials_endpoints_never_get_cors(client, jamtland, url):
    response = client.get(url, **ORIGIN)
    assert "Access-Control-Allow-Origin" not in response
    pre = client.options(url, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **ORIGIN)
    assert "Access-Control-Allow-Origin" not in pre


def test_writes_to_open_urls_get_no_cors(client, jamtland):
    response = client.post("/api/v1/points", {}, content_type="application/json")
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize(
    "url", ["/", "/punkter.geojson", "/punkter.csv", "/feeds/cap.atom", "/ogc/api"]
)
def test_etag_is_the_sha256_of_the_bytes_sent_and_strong_under_gzip(
    client, kall_open, url
):
    plain = client.get(url)
    assert plain["ETag"] == '"' + hashlib.sha256(plain.content).hexdigest() + '"'
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    etag = zipped["ETag"]
    assert not etag.startswith("W/")
    assert etag == '"' + hashlib.sha256(zipped.content).hexdigest() + '"'
    assert gzip.decompress(zipped.content) == plain.content
    assert "Accept-Encoding" in zipped["Vary"]
    # stable: the same body gives the same tag, and If-None-Match answers 304
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert again["ETag"] == etag
    not_modified = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304


def test_gzip_refused_with_q_zero(client, jamtland):
    response = client.get("/punkter.geojson", HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert "Content-Encoding" not in response


def test_csv_is_plain_text_csv(client, kall_open):
    response = client.get("/punkter.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_pandas_reads_the_csv_with_no_options(client, kall_open):
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(io.BytesIO(client.get("/punkter.csv").content))
    assert frame.iloc[0]["id"] == "#loc+id"  # the HXL row comes first
    kall = frame[frame["id"] == "kall"].iloc[0]
    assert kall["drivmedel"] == "fuel_diesel" and kall["läge"] == "open"
    assert set(kall["tjänster"].split(";")) == {"food", "heating", "phone_charging"}
