"""The operations app's English catalogue covers its Swedish strings."""

import re
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext

from sot.operations.core.status import REFUSAL_MESSAGES_SV, STATE_LABELS_SV

PO = (
    Path(__file__).resolve().parents[2]
    / "src/sot/operations/locale/en/LC_MESSAGES/django.po"
)


def test_every_entry_is_translated():
    text = PO.read_text(encoding="utf-8")
    entries = re.findall(r'\nmsgid "(.+)"\nmsgstr "(.*)"', text)
    assert len(entries) > 300
    assert [m for m, s in entries if not s] == []


def test_lifecycle_refusals_and_labels_in_english():
    with translation.override("en"):
        assert gettext(REFUSAL_MESSAGES_SV["reason_required"]) == (
            "Say why the point is closed."
        )
        for message in [*REFUSAL_MESSAGES_SV.values(), *STATE_LABELS_SV.values()]:
            assert gettext(message) != message, message
    with translation.override("sv"):
        assert gettext("Mina punkter") == "Mina punkter"
