"""The default suggestion rules a new installation starts with (the county edits them).

| rule | suggests |
|---|---|
| red wind or snow warning over a point | open an event with the points |
| orange wind or snow warning over a point | raise readiness at the points |
| a power-outage area holding a point (polygon, village or postcode) | open an event |
| a VMA over a point | raise readiness |

Each county of the register gets its own copy, which its coordinator edits; they
apply to exercises too (marked ÖVNING).
The wind and snow rules take SMHI's own warnings (and CAP): Krisinformation restates
SMHI's warnings tagged by county, which would put a duplicate, county-wide suggestion
before every officer of the county.
"""

from __future__ import annotations

from sot.registry.models import Municipality
from sot.warnings.models import SuggestedAction, SuggestionRule

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
    """Give every county of the register the default rules, if it has none.

    Rules belong to a county so that its coordinator can edit them. Returns how many
    rules were created (run again after a county is added to the register).
    """

    counties = sorted(
        set(Municipality.objects.values_list("county_code", flat=True)) - {""}
    )
    created = 0
    for county_code in counties:
        if SuggestionRule.objects.filter(county_code=county_code).exists():
            continue
        for rule in DEFAULT_RULES:
            SuggestionRule.objects.create(county_code=county_code, **rule)
            created += 1
    return created
