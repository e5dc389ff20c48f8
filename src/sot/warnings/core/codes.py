"""Swedish area codes that warning sources use: län codes, NUTS3 codes, county names.

These are national standards (SCB's län codes, Eurostat NUTS 2021), not
configuration: every county is listed, none is special. Municipality codes are
four digits, the first two being the county code.
"""

from __future__ import annotations

import re
import unicodedata

# Eurostat NUTS 2021 level 3 for Sweden -> SCB län code.
NUTS3_TO_COUNTY = {
    "SE110": "01",  # Stockholms län
    "SE121": "03",  # Uppsala län
    "SE122": "04",  # Södermanlands län
    "SE123": "05",  # Östergötlands län
    "SE124": "18",  # Örebro län
    "SE125": "19",  # Västmanlands län
    "SE211": "06",  # Jönköpings län
    "SE212": "07",  # Kronobergs län
    "SE213": "08",  # Kalmar län
    "SE214": "09",  # Gotlands län
    "SE221": "10",  # Blekinge län
    "SE224": "12",  # Skåne län
    "SE231": "13",  # Hallands län
    "SE232": "14",  # Västra Götalands län
    "SE311": "17",  # Värmlands län
    "SE312": "20",  # Dalarnas län
    "SE313": "21",  # Gävleborgs län
    "SE321": "22",  # Västernorrlands län
    "SE322": "23",  # Jämtlands län
    "SE331": "24",  # Västerbottens län
    "SE332": "25",  # Norrbottens län
}

COUNTY_NAMES = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}

_COUNTY_BY_KEY = {}


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in folded if ch.isalnum() and ch.isascii())
    for suffix in ("lan", "county"):
        if letters.endswith(suffix):
            letters = letters[: -len(suffix)]
    return letters.rstrip("s") if letters.endswith("s") else letters


for _code, _name in COUNTY_NAMES.items():
    _COUNTY_BY_KEY[_key(_name)] = _code

_COUNTY_RE = re.compile(r"^\d{2}$")
_MUNICIPALITY_RE = re.compile(r"^\d{4}$")


def county_code_for_name(name: str) -> str | None:
    """``"Jämtlands län"``, ``"Jämtland County"`` or ``"jamtland"`` -> ``"23"``."""
    return _COUNTY_BY_KEY.get(_key(name)) if name else None


def is_county_code(code: str) -> bool:
    return bool(_COUNTY_RE.match(code)) and code in COUNTY_NAMES


def is_municipality_code(code: str) -> bool:
    return bool(_MUNICIPALITY_RE.match(code)) and code[:2] in COUNTY_NAMES
