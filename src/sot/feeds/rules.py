"""The default suggestion rules a new installation starts with (the county edits them).

| rule | suggests |
|---|---|
| red wind or snow warning over a point | open an event with the points |
| orange wind or snow warning over a point | raise readiness at the points |
| a power-outage area holding a point (polygon, village or postcode) | open an event |
| a VMA over a point | raise readiness |

They apply to every county (``county_code`` empty) and to exercises (marked ÖVNING).
The wind and snow rules take SMHI's own warnings (and CAP): Krisinformation restates
SMHI's warnings tagged by county, which would put a duplicate, county-wide suggestion
before every officer of the county.
"""

from __future__ import annotations

from sot.feeds.models import SuggestedAction, SuggestionRule

DEFAULT_RULES = (
    {
        "name": "Röd varning för vind eller snö över en SOT-punkt",
        "order": 10,
        "sources": ["smhi", "cap"],
        "hazards": ["wind", "snow"],
        "min_level": "RED",
        "action": SuggestedAction.OPEN_EVENT,
    },
    {
        "name": "Orange varning för vind eller snö över en SOT-punkt",
        "order": 20,
        "sources": ["smhi", "cap"],
        "hazards": ["wind", "snow"],
        "min_level": "ORANGE",
        "action": SuggestedAction.RAISE_READINESS,
    },
    {
        "name": "Elavbrott i en SOT-punkts ort",
        "order": 30,
        "hazards": ["power_outage"],
        "min_level": "",
        "action": SuggestedAction.OPEN_EVENT,
    },
    {
        "name": "VMA över en SOT-punkt",
        "order": 40,
        "hazards": ["public_warning"],
        "min_level": "",
        "action": SuggestedAction.RAISE_READINESS,
    },
)


def ensure_default_rules() -> int:
    """Create the default rules if there are no rules at all; returns how many."""
    if SuggestionRule.objects.exists():
        return 0
    for rule in DEFAULT_RULES:
        SuggestionRule.objects.create(**rule)
    return len(DEFAULT_RULES)
