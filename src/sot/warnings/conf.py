"""The warnings app's own settings (declared once; listed in docs/configuration.md).

Named ``SOT_WARNINGS_*`` since #10; the ``SOT_FEED_*`` names they had before are read
as deprecated aliases (in sot "feed" means only what sot publishes).
"""

from __future__ import annotations

from sot.config import env
from sot.warnings.core.model import Format


def _S(name: str, default: str, help: str, **kw) -> env.Setting:
    """A ``SOT_WARNINGS_<name>`` setting, with ``SOT_FEED_<name>`` as its old name."""
    return env.Setting(
        f"SOT_WARNINGS_{name}", default, help, old_names=(f"SOT_FEED_{name}",), **kw
    )


POLLING = env.register(
    _S(
        "POLLING",
        "false",
        "Poll the live warning sources (SMHI, Krisinformation, VMA) from the "
        "scheduler. Needs network access to them; turn on in production.",
        kind="bool",
    )
)
SMHI_URL = env.register(
    _S(
        "SMHI_URL",
        "https://opendata-download-warnings.smhi.se/ibww/api/version/1/warning.json",
        "SMHI impact-based warnings (warning.json). Empty: do not poll SMHI.",
    )
)
SMHI_INTERVAL = env.register(
    _S("SMHI_INTERVAL_S", "300", "Seconds between polls of SMHI.", kind="int")
)
KRISINFORMATION_URL = env.register(
    _S(
        "KRISINFORMATION_URL",
        "https://api.krisinformation.se/v3/news?days=3",
        "Krisinformation API v3 list to poll. Empty: do not poll Krisinformation.",
    )
)
KRISINFORMATION_INTERVAL = env.register(
    _S(
        "KRISINFORMATION_INTERVAL_S",
        "600",
        "Seconds between polls of Krisinformation.",
        kind="int",
    )
)
VMA_URL = env.register(
    _S(
        "VMA_URL",
        "https://vmaapi.sr.se/api/v3/alerts",
        "Sveriges Radio VMA API v3 alerts. Empty: do not poll VMA.",
    )
)
VMA_INTERVAL = env.register(
    _S("VMA_INTERVAL_S", "60", "Seconds between polls of VMA.", kind="int")
)
DEFAULT_INTERVAL = env.register(
    _S(
        "DEFAULT_INTERVAL_S",
        "300",
        "Seconds between polls of other sources (CAP, outage) without their own "
        "interval.",
        kind="int",
    )
)
TIMEOUT = env.register(
    _S(
        "TIMEOUT_S",
        "20",
        "Timeout of one request to a warning source, seconds.",
        kind="int",
    )
)
MAX_BYTES = env.register(
    _S(
        "MAX_BYTES",
        "8388608",
        "Largest response of a warning source accepted, bytes (larger ones are "
        "refused).",
        kind="int",
    )
)
MAX_BACKOFF = env.register(
    _S(
        "MAX_BACKOFF_S",
        "3600",
        "Longest wait after repeated errors of a source, seconds (Retry-After may ask "
        "longer, up to a day).",
        kind="int",
    )
)
STALE_AFTER = env.register(
    _S(
        "STALE_AFTER_MINUTES",
        "30",
        "A source whose last good data is older than this (or three intervals) shows "
        "as unhealthy.",
        kind="int",
    )
)
CAP_XSD = env.register(
    env.Setting(
        "SOT_CAP_XSD",
        "",
        "Path to the OASIS CAP 1.2 schema (CAP-v1.2.xsd). When set, `sot warnings "
        "import` and uploads validate CAP XML against it.",
    )
)

BUILTIN_SOURCES = (
    # slug, name, format, url setting, interval setting
    ("smhi", "SMHI vädervarningar", Format.SMHI_IBWW, SMHI_URL, SMHI_INTERVAL),
    (
        "krisinformation",
        "Krisinformation.se",
        Format.KRISINFORMATION,
        KRISINFORMATION_URL,
        KRISINFORMATION_INTERVAL,
    ),
    ("vma", "VMA (Sveriges Radio)", Format.SR_VMA, VMA_URL, VMA_INTERVAL),
)
INTERVAL_BY_FORMAT = {
    Format.SMHI_IBWW: SMHI_INTERVAL,
    Format.KRISINFORMATION: KRISINFORMATION_INTERVAL,
    Format.SR_VMA: VMA_INTERVAL,
}


def get(setting: env.Setting):
    return env.get(setting.name)


def interval_s(source) -> int:
    """Seconds between polls of ``source`` (its own, else the format's setting)."""
    if source.interval_s:
        return source.interval_s
    return get(INTERVAL_BY_FORMAT.get(source.format, DEFAULT_INTERVAL))
