"""Every SMS template, in every language, fits one GSM-7 segment with the longest
realistic values (issue #7, point 4)."""

import pytest

from sot.operations.core.status import REFUSAL_MESSAGES_SV
from sot.outreach.core.gsm import segment_info, to_gsm7
from sot.outreach.core.templates import (
    LANGUAGES,
    REALISTIC_MAX,
    TEMPLATES,
    TemplateError,
    describe_offers,
    describe_status,
    render,
)

ALL_SERVICES = {
    "food": True,
    "water": True,
    "charging": True,
    "heating": True,
    "petrol": True,
    "diesel": False,
    "toilet": False,
}


def longest_values(lang: str) -> dict[str, str]:
    """The longest value each field realistically takes, in that language."""
    summary = describe_status(
        lang,
        status="limited",
        services={"diesel": False, "petrol": True, "food": True, "water": False},
        fuel_percent=100,
    )
    offers = describe_offers(lang, ALL_SERVICES)
    values = {
        "point": "Blåsjöfjäll Livs Stora Blåsjön",  # 30: a real store + village
        "keyword": "STORA BLÅSJÖN",
        "scope": "Skinnskatteberg (kommun)",  # longest municipality name
        "name": "Anna-Karin Östlund",
        "needed": "12",
        "skills": "första hjälpen, generator, elektriker",
        "time": "30/11 23:45",
        "ref": "K4F2",
        "event": "ÖVNING: Storm i västra Jämtland",  # 32: shortened by the caller
        "contact": "+46701234567",
        "minutes": "120",
        "summary": summary,
        "offers": offers,
        "unknown": "DIESELL NIEJ BRÄNSEL 60 PROC",
        "url": "sot.example.se/punkt/stora-blasjon",
        # the longest refusal text the status rules give
        "reason": max(REFUSAL_MESSAGES_SV.values(), key=len),
    }
    for field, value in values.items():
        assert len(value) <= REALISTIC_MAX[field], field
    return values


@pytest.mark.parametrize(("key", "lang"), sorted(TEMPLATES))
def test_every_template_fits_one_segment(key, lang):
    values = longest_values(lang)
    text = render(key, lang, values)
    info = segment_info(text)
    assert info.encoding == "gsm7", info.offending
    assert info.segments == 1, (len(text), text)
    # nothing had to be shortened: each value appears whole
    for field in TEMPLATES[(key, lang)].fields:
        assert to_gsm7(values[field]) in text, field


def test_both_languages_for_every_template():
    keys = {key for key, _ in TEMPLATES}
    assert {(k, lang) for k in keys for lang in LANGUAGES} == set(TEMPLATES)


def test_render_exact_text():
    text = render(
        "status_receipt",
        "sv",
        {
            "time": "14:05",
            "point": "Kall",
            "event": "Storm Ivar",
            "summary": describe_status(
                "sv",
                status="open",
                services={"diesel": False, "petrol": True},
                fuel_percent=60,
            ),
        },
    )
    assert text == (
        "Mottaget 14:05 SOT Kall (Storm Ivar): öppen, diesel nej, bensin ja, "
        "bränsle 60%"
    )


def test_render_replaces_characters_that_force_ucs2():
    text = render(
        "point_closed", "sv", {"point": "Kall ’Handel’", "time": "18:00", "url": ""}
    )
    assert "'Handel'" in text
    assert segment_info(text).encoding == "gsm7"


def test_render_shortens_unrealistic_values_to_one_segment():
    text = render(
        "point_opened",
        "en",
        {"point": "X" * 200, "time": "18:00", "offers": "food", "url": "s.se"},
    )
    assert segment_info(text).segments == 1
    assert "18:00" in text and "s.se" in text
    assert "XXX." in text


def test_missing_field_is_an_error():
    with pytest.raises(TemplateError):
        render("point_closed", "sv", {"point": "Kall"})


def test_unknown_language_falls_back_to_swedish():
    assert render("callout_no_ack", "fi", {"ref": "A1"}).startswith("Noterat")


def test_describe_offers():
    assert describe_offers("sv", {"food": True, "diesel": False, "petrol": True}) == (
        "mat, bensin; slut: diesel"
    )
    assert describe_offers("en", {"diesel": False}) == "out: diesel"
