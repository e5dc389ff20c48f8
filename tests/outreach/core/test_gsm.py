"""GSM 03.38 alphabet and segment counting, with answers counted by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sot.outreach.core.gsm import (
    BASIC,
    EXTENSION,
    decode_septets,
    encode_septets,
    is_gsm7,
    non_gsm7_chars,
    segment_info,
    split_segments,
    to_gsm7,
)


def test_swedish_letters_are_gsm7():
    assert is_gsm7("åäöÅÄÖ éÉ üÜ æÆ øØ")
    info = segment_info("Kall är öppen, bensin finns, diesel är slut.")
    assert info.encoding == "gsm7"


@pytest.mark.parametrize(
    "ch",
    [
        "’",
        "‘",
        "“",
        "”",
        "–",
        "—",
        "…",
        "\u00a0",
        "á",
        "í",
        "ó",
        "ú",
        "ç",
        "ê",
        "°",
        "ï",
        "š",
        "ŋ",
        "😀",
        "\t",
    ],
)
def test_characters_that_force_ucs2(ch):
    assert not is_gsm7("Kall " + ch)
    info = segment_info("Kall " + ch)
    assert info.encoding == "ucs2"
    assert info.offending == (ch,)


def test_known_codes():
    # 3GPP TS 23.038 table 6.2.1: @ is 0x00, Å 0x0E, Ä 0x5B, ö 0x7C, à 0x7F
    assert encode_septets("@ÅÄöà") == [0x00, 0x0E, 0x5B, 0x7C, 0x7F]
    assert encode_septets("€") == [0x1B, 0x65]
    assert len(BASIC) == 128
    assert len(EXTENSION) == 10


def test_160_and_161_gsm7():
    assert segment_info("a" * 160).segments == 1
    assert segment_info("a" * 161).segments == 2
    assert segment_info("a" * 306).segments == 2  # 2 x 153
    assert segment_info("a" * 307).segments == 3


def test_extension_characters_count_double():
    info = segment_info("€" * 80)
    assert (info.encoding, info.units, info.segments) == ("gsm7", 160, 1)
    assert segment_info("€" * 80 + "a").segments == 2


def test_escape_pair_is_not_split():
    # 152 basic characters then a euro sign: 154 septets in a 153-septet segment
    text = "a" * 152 + "€" + "b" * 10
    parts = split_segments(text)
    assert parts[0] == "a" * 152
    assert parts[1].startswith("€")


def test_70_and_71_ucs2():
    assert segment_info("ó" * 70).segments == 1
    assert segment_info("ó" * 71).segments == 2
    assert segment_info("ó" * 134).segments == 2  # 2 x 67
    assert segment_info("ó" * 135).segments == 3


def test_emoji_takes_two_units_and_is_not_split():
    info = segment_info("😀" * 35)
    assert (info.units, info.segments) == (70, 1)
    parts = split_segments("a" * 66 + "😀" + "b" * 5)  # 73 units: two segments
    assert parts[0] == "a" * 66  # 66 + 2 would exceed 67
    assert parts[1] == "😀bbbbb"


def test_one_curly_quote_drops_capacity_to_70():
    text = "Kall öppen: mat, vatten och laddning finns. Diesel är slut men bensin finns i pumpen. Välkomna!"
    assert segment_info(text).segments == 1
    assert segment_info(text.replace("Välkomna!", "’Välkomna’")).segments == 2


def test_to_gsm7_keeps_swedish_and_replaces_the_rest():
    assert (
        to_gsm7("Öppet ’hela’ natten – välkomna…")
        == "Öppet 'hela' natten - välkomna..."
    )
    assert to_gsm7("Jïngevaerie Gïelde") == "Jingevaerie Gielde"
    assert to_gsm7("Åre 😀") == "Åre ?"
    assert is_gsm7(to_gsm7("Čáp ŋ đ 5°"))


@given(
    st.text(alphabet=st.sampled_from(list(BASIC.replace("\x1b", "")) + list(EXTENSION)))
)
def test_encode_decode_round_trip(text):
    assert decode_septets(encode_septets(text)) == text


@given(st.text(max_size=500))
def test_segments_cover_text_and_fit(text):
    parts = split_segments(text)
    assert "".join(parts) == text
    info = segment_info(text)
    assert len(parts) == info.segments
    if info.segments > 1:
        for part in parts:
            if info.encoding == "gsm7":
                assert sum(2 if c in EXTENSION else 1 for c in part) <= 153
            else:
                assert len(part.encode("utf-16-le")) // 2 <= 67


@given(st.text(max_size=200))
def test_to_gsm7_always_gsm7(text):
    assert is_gsm7(to_gsm7(text))
    assert non_gsm7_chars(to_gsm7(text)) == []
