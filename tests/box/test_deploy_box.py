"""The box's Wi-Fi configuration in deploy/box/ (hostapd, dnsmasq, nginx, the sot
environment) fits together, and a phone's captive-portal checks land on the point's
page when sot runs with that environment."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "box"

#: (host, path) each operating system fetches to detect a captive portal.
CHECKS = [
    ("connectivitycheck.gstatic.com", "/generate_204"),  # Android
    ("clients3.google.com", "/generate_204"),  # Android (older)
    ("www.google.com", "/gen_204"),  # Chrome OS
    ("captive.apple.com", "/hotspot-detect.html"),  # iOS, macOS
    ("www.apple.com", "/library/test/success.html"),  # older iOS
    ("www.msftconnecttest.com", "/connecttest.txt"),  # Windows 10/11
    ("www.msftncsi.com", "/ncsi.txt"),  # Windows 7/8
    ("detectportal.firefox.com", "/success.txt"),  # Firefox
    ("detectportal.firefox.com", "/canonical.html"),  # Firefox
    ("connectivity-check.ubuntu.com", "/canonical.html"),  # Ubuntu
]


def _pairs(name: str) -> list[tuple[str, str]]:
    """``key=value`` lines of a config file, comments and blanks left out."""
    pairs = []
    for line in (DEPLOY / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if sep:
            pairs.append((key.strip(), value.strip()))
        else:
            pairs.append((key.strip(), ""))
    return pairs


def _one(pairs, key):
    values = [v for k, v in pairs if k == key]
    assert len(values) == 1, f"{key}: {values}"
    return values[0]


def test_hostapd_is_an_open_network_on_the_box_interface():
    conf = _pairs("hostapd.conf")
    keys = [k for k, _ in conf]
    assert len(keys) == len(set(keys)), "a key given twice"
    assert _one(conf, "interface") == "wlan0"
    assert _one(conf, "wpa") == "0"  # residents join without a password
    assert _one(conf, "country_code") == "SE"
    assert _one(conf, "hw_mode") in {"g", "a"}
    assert int(_one(conf, "channel")) in {1, 6, 11}
    assert 1 <= len(_one(conf, "ssid").encode()) <= 32


def test_dnsmasq_answers_every_name_with_the_box():
    conf = _pairs("dnsmasq.conf")
    box_ip = ipaddress.ip_address(_one(conf, "listen-address"))
    assert _one(conf, "interface") == _one(_pairs("hostapd.conf"), "interface")
    assert _one(conf, "address") == f"/#/{box_ip}"
    start, end, mask, _lease = _one(conf, "dhcp-range").split(",")
    net = ipaddress.ip_network(f"{box_ip}/{mask}", strict=False)
    assert ipaddress.ip_address(start) in net and ipaddress.ip_address(end) in net
    assert not (ipaddress.ip_address(start) <= box_ip <= ipaddress.ip_address(end)), (
        "the box's own address must not be handed out"
    )
    options = [v for k, v in conf if k == "dhcp-option"]
    assert f"option:router,{box_ip}" in options
    assert f"option:dns-server,{box_ip}" in options
    assert ("no-resolv", "") in conf


def test_nginx_and_the_environment_point_at_sot():
    env = dict(_pairs("sot-box.env"))
    from sot.config import env as declared

    assert set(env) <= set(declared.BY_NAME), set(env) - set(declared.BY_NAME)
    assert env["SOT_ALLOWED_HOSTS"] == "*"
    box_ip = _one(_pairs("dnsmasq.conf"), "listen-address")
    assert urlsplit(env["SOT_SITE_URL"]).hostname == box_ip
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"listen 80 default_server;", nginx)
    assert f"proxy_pass http://{env['SOT_HOST']}:{env['SOT_PORT']};" in nginx
    assert "proxy_set_header Host $host;" in nginx
    unit = (DEPLOY / "sot-box.service").read_text()
    assert "EnvironmentFile=/etc/sot/sot-box.env" in unit
    assert "sot serve" in unit


@pytest.fixture
def box_with_deploy_env(jamtland, settings, tmp_path):
    """sot configured as deploy/box/sot-box.env says, paired as Kall's box."""
    from sot.box.models import Link

    env = dict(_pairs("sot-box.env"))
    settings.ALLOWED_HOSTS = env["SOT_ALLOWED_HOSTS"].split(",")
    settings.SITE_URL = env["SOT_SITE_URL"]
    settings.BASE_DIR = tmp_path
    Link.objects.create(
        central_url="https://sot.example.se",
        token="sotbox_x_y",
        name="kall-box",
        point_slugs=["kall"],
        county_code="23",
    )
    return env


@pytest.mark.parametrize(("host", "path"), CHECKS)
def test_captive_portal_checks_open_the_point_page(
    client, box_with_deploy_env, host, path
):
    r = client.get(path, HTTP_HOST=host)
    assert r.status_code == 302, (host, path)
    assert r["Location"] == box_with_deploy_env["SOT_SITE_URL"] + "/punkt/kall/"
    page = client.get("/punkt/kall/", HTTP_HOST="10.42.0.1")
    assert page.status_code == 200
    assert "Kall" in page.content.decode()
