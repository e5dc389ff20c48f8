import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sot.config import env
from sot.config.database import DatabaseURLError, parse_database_url

REPO = Path(__file__).resolve().parents[2]


def test_sqlite_url_gives_wal_and_busy_timeout(tmp_path):
    db = parse_database_url("sqlite:///sot.sqlite3", base_dir=tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "sot.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] == 20
    # Tests run on a file beside it, as the server does, never in memory.
    assert db["TEST"]["NAME"] == str(tmp_path / "sot-test.sqlite3")
    assert (
        parse_database_url("sqlite:////var/lib/sot/db.sqlite3")["NAME"]
        == "/var/lib/sot/db.sqlite3"
    )


def test_postgres_url():
    db = parse_database_url(
        "postgres://sot:hemligt%21@db.example:6543/sot?sslmode=require"
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "sot",
        "sot",
        "hemligt!",
        "db.example",
        "6543",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host", "sqlite://"])
def test_bad_database_urls_are_refused(url):
    with pytest.raises(DatabaseURLError):
        parse_database_url(url)


def test_typed_values_and_clear_errors():
    assert env.get("SOT_DEBUG", {"SOT_DEBUG": "ja"} | {"SOT_DEBUG": "yes"}) is True
    assert env.get("SOT_PORT", {"SOT_PORT": "8080"}) == 8080
    assert env.get("SOT_ALLOWED_HOSTS", {"SOT_ALLOWED_HOSTS": "a.se, b.se"}) == [
        "a.se",
        "b.se",
    ]
    with pytest.raises(ValueError, match="SOT_PORT must be a whole number"):
        env.get("SOT_PORT", {"SOT_PORT": "åtta"})
    with pytest.raises(ValueError, match="SOT_DEBUG must be true or false"):
        env.get("SOT_DEBUG", {"SOT_DEBUG": "kanske"})


def test_effective_settings_mask_secrets():
    rows = {
        name: shown
        for name, shown, _ in env.effective(
            {
                "SOT_SECRET_KEY": "a-very-long-secret-value-123456",
                "SOT_DATABASE_URL": "postgres://sot:topsecret@db/sot",
            }
        )
    }
    assert "topsecret" not in rows["SOT_DATABASE_URL"]
    assert rows["SOT_DATABASE_URL"] == "postgres://sot:****@db/sot"
    assert "very-long-secret" not in rows["SOT_SECRET_KEY"]


def test_every_setting_is_documented():
    doc = (REPO / "docs" / "configuration.md").read_text()
    missing = [s.name for s in env.BY_NAME.values() if f"`{s.name}`" not in doc]
    assert missing == []


def _django_setup(extra_env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOT_")}
    environment.update(extra_env)
    environment["DJANGO_SETTINGS_MODULE"] = "sot.config.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_default_secret_and_debug():
    result = _django_setup({"SOT_PRODUCTION": "true", "SOT_DEBUG": "true"})
    assert result.returncode != 0
    assert "refuses to start in production" in result.stderr
    assert "SOT_SECRET_KEY" in result.stderr and "SOT_DEBUG" in result.stderr
    ok = _django_setup(
        {
            "SOT_PRODUCTION": "true",
            "SOT_SECRET_KEY": "x" * 50,
            "SOT_SITE_URL": "https://sot.example.se",
        }
    )
    assert ok.returncode == 0, ok.stderr
    assert "started" in ok.stdout


def test_production_refuses_a_loopback_site_url():
    """Printed notices and the snapshot carry SOT_SITE_URL: never 127.0.0.1."""
    for url in ("http://127.0.0.1:8000", "http://localhost", "http://[::1]:8000", ""):
        result = _django_setup(
            {"SOT_PRODUCTION": "true", "SOT_SECRET_KEY": "x" * 50, "SOT_SITE_URL": url}
        )
        assert result.returncode != 0, url
        assert "SOT_SITE_URL is empty or a loopback address" in result.stderr


def test_sot_check_prints_settings_masked(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOT_")}
    environment.update(
        SOT_DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3",
        SOT_SECRET_KEY="s3cr3t-value-that-is-long-enough-000000",
    )
    result = subprocess.run(
        [sys.executable, "-m", "sot.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "SOT_SECRET_KEY" in result.stdout
    assert "s3cr3t-value-that-is-long" not in result.stdout
    assert re.search(r"SOT_PORT\s+8000\s+\*", result.stdout)


# Renamed settings: the old names are deprecated aliases (#10, SOT_FEED_* ->
# SOT_WARNINGS_*).


def test_a_deprecated_old_name_is_read_and_the_new_one_wins(caplog):
    from sot.warnings import conf

    assert conf.TIMEOUT.name == "SOT_WARNINGS_TIMEOUT_S"
    assert env.ALIASES["SOT_FEED_TIMEOUT_S"] == "SOT_WARNINGS_TIMEOUT_S"
    assert env.get("SOT_WARNINGS_TIMEOUT_S", {}) == 20
    env._warned.discard("SOT_FEED_TIMEOUT_S")
    with caplog.at_level("WARNING", logger="sot.config"):
        assert env.get("SOT_WARNINGS_TIMEOUT_S", {"SOT_FEED_TIMEOUT_S": "5"}) == 5
        assert env.get("SOT_WARNINGS_TIMEOUT_S", {"SOT_FEED_TIMEOUT_S": "6"}) == 6
    logged = [r.getMessage() for r in caplog.records]
    assert logged == [  # once per process
        "SOT_FEED_TIMEOUT_S is deprecated: rename it to SOT_WARNINGS_TIMEOUT_S "
        "(the old name is still read)"
    ]
    both = {"SOT_FEED_TIMEOUT_S": "5", "SOT_WARNINGS_TIMEOUT_S": "7"}
    assert env.get("SOT_WARNINGS_TIMEOUT_S", both) == 7
    assert env.get("SOT_WARNINGS_POLLING", {"SOT_FEED_POLLING": "true"}) is True
    # an error names the variable that holds the bad value
    with pytest.raises(ValueError, match="SOT_FEED_TIMEOUT_S must be a whole number"):
        env.get("SOT_WARNINGS_TIMEOUT_S", {"SOT_FEED_TIMEOUT_S": "tjugo"})


def test_deprecated_names_in_use_and_in_the_effective_settings():
    from sot.warnings import conf  # noqa: F401  (declares the settings)

    environ = {
        "SOT_FEED_TIMEOUT_S": "5",
        "SOT_FEED_VMA_URL": "https://old.example/",
        "SOT_WARNINGS_VMA_URL": "https://new.example/",
    }
    assert env.deprecated_in_use(environ) == [
        ("SOT_FEED_TIMEOUT_S", "SOT_WARNINGS_TIMEOUT_S", False),
        ("SOT_FEED_VMA_URL", "SOT_WARNINGS_VMA_URL", True),
    ]
    rows = {name: (shown, default) for name, shown, default in env.effective(environ)}
    assert rows["SOT_WARNINGS_TIMEOUT_S"] == (
        "5  (from SOT_FEED_TIMEOUT_S, deprecated)",
        False,
    )
    assert rows["SOT_WARNINGS_VMA_URL"] == ("https://new.example/", False)
    assert rows["SOT_WARNINGS_MAX_BYTES"][1] is True
    assert "SOT_FEED_TIMEOUT_S" not in rows


def test_an_old_name_cannot_be_declared_again():
    from sot.warnings import conf  # noqa: F401  (declares the settings)

    with pytest.raises(ValueError, match="old name of SOT_WARNINGS_TIMEOUT_S"):
        env.register(env.Setting("SOT_FEED_TIMEOUT_S", "1", "again"))
    with pytest.raises(ValueError, match="already taken"):
        env.register(
            env.Setting("SOT_X_TIMEOUT", "1", "x", old_names=("SOT_FEED_TIMEOUT_S",))
        )
    assert "SOT_X_TIMEOUT" not in env.BY_NAME


def test_the_system_check_warns_of_deprecated_names(monkeypatch):
    from sot.config import checks
    from sot.warnings import conf  # noqa: F401  (declares the settings)

    monkeypatch.delenv("SOT_WARNINGS_TIMEOUT_S", raising=False)
    assert checks.deprecated_settings() == []
    monkeypatch.setenv("SOT_FEED_TIMEOUT_S", "5")
    monkeypatch.setenv("SOT_FEED_POLLING", "true")
    monkeypatch.setenv("SOT_WARNINGS_POLLING", "false")
    found = {m.id: m.msg for m in checks.deprecated_settings()}
    assert found == {
        "sot.settings.W002": "SOT_FEED_POLLING is deprecated and ignored: "
        "SOT_WARNINGS_POLLING is set too and wins.",
        "sot.settings.W001": "SOT_FEED_TIMEOUT_S is deprecated; its value is used "
        "for SOT_WARNINGS_TIMEOUT_S.",
    }


def test_every_deprecated_name_is_documented_as_such():
    from sot.warnings import conf  # noqa: F401  (declares the settings)

    lines = (REPO / "docs" / "configuration.md").read_text().splitlines()
    undocumented = [
        old
        for old, new in env.ALIASES.items()
        if not any(
            f"`{old}`" in line and f"`{new}`" in line and "deprecated" in line
            for line in lines
        )
    ]
    assert env.ALIASES and undocumented == []


def test_sot_check_shows_a_deprecated_name(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOT_")}
    environment.update(
        SOT_DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3", SOT_FEED_TIMEOUT_S="5"
    )
    result = subprocess.run(
        [sys.executable, "-m", "sot.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"SOT_WARNINGS_TIMEOUT_S\s+5  \(from SOT_FEED_TIMEOUT_S, deprecated\)",
        result.stdout,
    )
    assert "(sot.settings.W001) SOT_FEED_TIMEOUT_S is deprecated" in result.stderr
