"""The nginx configuration in docs/public-site.md, run as documented on a published
snapshot: the CSV is text/csv, every open file has CORS, feeds keep their types
(#14). Skips when nginx is absent (Debian's nginx-light, installed by .ci/run)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "public-site.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def documented_server_block() -> str:
    """The ```nginx block under "Serving the snapshot from nginx"."""
    text = DOC.read_text()
    section = text[text.index("### Serving the snapshot from nginx") :]
    return re.search(r"```nginx\n(.*?)```", section, re.DOTALL).group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx_site(tmp_path, kall_open):
    """The demo snapshot served by nginx with the documented server block."""
    if not Path(NGINX).exists():
        pytest.skip("nginx absent (apt-get install nginx-light)")
    from sot.public import site

    root = tmp_path / "site"
    site.publish(str(root))
    port = _free_port()
    server = documented_server_block()
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};")
    server = server.replace("/srv/sot/site", str(root))
    temp = "".join(
        f"    {kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log warn;\nuser root;\n"
        "events { worker_connections 64; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    access_log off;\n"
        f"{temp}{server}}}\n"
    )
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if proc.poll() is not None:
                pytest.fail(f"nginx did not start: {proc.stderr.read().decode()}")
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url, root
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_documented_nginx_serves_csv_as_text_csv_with_cors(nginx_site):
    url, root = nginx_site
    cap = next((root / "cap").glob("*.xml")).name
    expected = {
        "/punkter.csv": "text/csv; charset=utf-8",
        "/punkter.geojson": "application/geo+json",
        "/feeds/cap.atom": "application/atom+xml; charset=utf-8",
        f"/cap/{cap}": "application/cap+xml; charset=utf-8",
        "/": "text/html; charset=utf-8",
        "/anslag/lista.pdf": "application/pdf",
    }
    for path, content_type in expected.items():
        response = httpx.get(url + path, headers={"Origin": "https://karta.example"})
        assert response.status_code == 200, path
        assert response.headers["content-type"] == content_type, path
        assert response.headers["access-control-allow-origin"] == "*", path
    hxl = pytest.importorskip("hxl")
    rows = list(hxl.data(url + "/punkter.csv"))
    assert any(r.get("#loc+id") == "kall" for r in rows)
    not_modified = httpx.get(
        url + "/punkter.csv",
        headers={"If-None-Match": httpx.get(url + "/punkter.csv").headers["etag"]},
    )
    assert not_modified.status_code == 304
    assert not_modified.headers["access-control-allow-origin"] == "*"
