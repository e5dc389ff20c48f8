"""Live checks against the real warning sources (skipped unless SOT_LIVE_TESTS=1).

They only show that today's documents still parse; they assert nothing about content.
"""

from __future__ import annotations

import httpx
import pytest

from sot.warnings.core import fetch
from sot.warnings.core.detect import parse_document
from sot.warnings.core.fetch import Outcome, SourceState

SOURCES = [
    (
        "https://opendata-download-warnings.smhi.se/ibww/api/version/1/warning.json",
        "smhi-ibww",
    ),
    ("https://api.krisinformation.se/v3/news?days=3", "krisinformation-v3"),
    ("https://vmaapi.sr.se/api/v3/alerts", "sr-vma"),
]


@pytest.mark.live
@pytest.mark.parametrize(("url", "fmt"), SOURCES)
def test_live_source_parses(url, fmt):
    with httpx.Client(follow_redirects=True) as client:
        result = fetch.poll(
            client,
            url,
            state=SourceState(),
            parse=lambda body: parse_document(body, format=fmt),
        )
    assert result.outcome is Outcome.FETCHED, result.error
