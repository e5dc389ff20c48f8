"""The inbound SMS command parser."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sot.outreach.core.commands import Answer, Kind, fold, parse

POINTS = ["KALL", "Stora Blåsjön", "Hallen"]


def test_issue_example():
    cmd = parse("KALL ÖPPEN DIESEL NEJ BENSIN JA BRÄNSLE 60%", point_keywords=POINTS)
    assert cmd.kind is Kind.STATUS
    assert cmd.point == "KALL"
    assert cmd.status == "open"
    assert cmd.services == {"diesel": False, "petrol": True}
    assert cmd.fuel_percent == 60
    assert cmd.unknown == []


@pytest.mark.parametrize(
    "text",
    [
        "kall öppen diesel nej bensin ja bränsle 60%",
        "Kall oppen, diesel slut, bensin finns, bransle 60 %",
        "KALL OPEN DIESEL NO PETROL YES FUEL 60%",
        "  kall   ÖPPET diesel: nej.  bensin: ja.  tank 60% ",
    ],
)
def test_spelling_variants(text):
    cmd = parse(text, point_keywords=POINTS)
    assert (cmd.point, cmd.status, cmd.services, cmd.fuel_percent, cmd.unknown) == (
        "KALL",
        "open",
        {"diesel": False, "petrol": True},
        60,
        [],
    )


def test_decomposed_unicode_is_the_same():
    import unicodedata

    text = unicodedata.normalize("NFD", "KALL ÖPPEN BRÄNSLE 40%")
    assert parse(text, point_keywords=POINTS).status == "open"


def test_multiword_point_keyword():
    cmd = parse("stora blasjon stängd", point_keywords=POINTS)
    assert (cmd.point, cmd.status) == ("Stora Blåsjön", "closed")


def test_without_point_the_senders_point_is_meant():
    cmd = parse("ÖPPEN DIESEL SLUT", point_keywords=POINTS)
    assert (cmd.kind, cmd.point, cmd.status, cmd.services) == (
        Kind.STATUS,
        None,
        "open",
        {"diesel": False},
    )


def test_unknown_words_are_listed():
    cmd = parse("KALL ÖPPEN DIESELL NEJ BRÄNSLE mycket VATTEN", point_keywords=POINTS)
    assert cmd.status == "open"
    assert cmd.unknown == ["DIESELL", "NEJ", "BRÄNSLE mycket", "VATTEN"]


def test_fuel_in_litres_and_out_of_range_percent():
    assert parse("KALL BRÄNSLE 400 L", point_keywords=POINTS).fuel_l == 400
    cmd = parse("KALL BRÄNSLE 160%", point_keywords=POINTS)
    assert cmd.fuel_percent is None
    assert cmd.unknown == ["BRÄNSLE 160%"]


def test_note_keeps_the_rest_verbatim():
    cmd = parse("Kall stängd OBS Tillbaka kl 18, ring 070-1", point_keywords=POINTS)
    assert cmd.status == "closed"
    assert cmd.note == "Tillbaka kl 18 ring 070-1"


@pytest.mark.parametrize(
    ("text", "answer", "ref"),
    [
        ("JA", Answer.YES, None),
        ("ja k4f2", Answer.YES, "K4F2"),
        ("Nej", Answer.NO, None),
        ("senare", Answer.LATER, None),
        ("YES", Answer.YES, None),
        ("later A1", Answer.LATER, "A1"),
    ],
)
def test_call_out_answers(text, answer, ref):
    cmd = parse(text, point_keywords=POINTS)
    assert (cmd.kind, cmd.answer, cmd.ref) == (Kind.ANSWER, answer, ref)


def test_subscriptions():
    assert parse("START KALL").kind is Kind.SUBSCRIBE
    assert parse("START KALL").target == "KALL"
    assert parse("start Åre").target == "Åre"
    assert parse("STOPP").kind is Kind.UNSUBSCRIBE
    assert parse("STOPP").target is None
    assert parse("stop kall").target == "kall"
    assert parse("HJÄLP").kind is Kind.HELP
    assert parse("help").kind is Kind.HELP


@pytest.mark.parametrize("text", ["", "   ", "hej hopp", "Tack för senast!", "123"])
def test_nonsense_is_unknown(text):
    cmd = parse(text, point_keywords=POINTS)
    assert cmd.kind is Kind.UNKNOWN
    assert not cmd.changes_anything


def test_fold():
    assert fold("Öppen") == "OPPEN"
    assert fold("bränsle") == "BRANSLE"


@given(st.text(max_size=2000), st.lists(st.text(max_size=20), max_size=5))
def test_arbitrary_text_never_crashes(text, keywords):
    cmd = parse(text, point_keywords=keywords)
    assert cmd.kind in Kind
    if cmd.fuel_percent is not None:
        assert 0 <= cmd.fuel_percent <= 100
    assert len(cmd.note) <= 300


words = st.sampled_from(
    [
        "KALL",
        "ÖPPEN",
        "STÄNGD",
        "DIESEL",
        "BENSIN",
        "JA",
        "NEJ",
        "SLUT",
        "BRÄNSLE",
        "60%",
        "400L",
        "OBS",
        "START",
        "STOPP",
        "x",
        "%",
        "101%",
        "Ö",
        "",
    ]
)


@given(st.lists(words, max_size=12))
def test_word_salad_never_crashes(tokens):
    cmd = parse(" ".join(tokens), point_keywords=POINTS)
    assert cmd.kind in Kind
