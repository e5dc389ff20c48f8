"""The bounds every input path shares (plain Python)."""

import math

import pytest

from sot.validation import bounds


@pytest.mark.parametrize("value", [-1, 100_001, math.inf, -math.inf, math.nan, True])
def test_people_outside_the_range_are_refused(value):
    assert bounds.PEOPLE.problem(value) is not None


@pytest.mark.parametrize("value", [0, 12, 100_000])
def test_people_inside_the_range_pass(value):
    assert bounds.PEOPLE.problem(value) is None


@pytest.mark.parametrize(
    ("text", "multiline", "ok"),
    [
        ("Åsa Öberg", False, True),
        ("rad ett\nrad två\ttab", True, True),
        ("rad ett\nrad två", False, False),
        ("a\x00b", True, False),
        ("a\x7fb", True, False),
        ("a\x9bb", True, False),  # C1 control
        ("a\ud800b", True, False),  # lone surrogate: PostgreSQL cannot store it
        ("zero\u200bwidth", False, True),  # format characters are text
    ],
)
def test_control_characters(text, multiline, ok):
    problem = bounds.text_problem(text, max_len=100, multiline=multiline)
    assert (problem is None) is ok


def test_text_longer_than_the_column_is_refused():
    assert bounds.text_problem("x" * 301, max_len=300) is not None
    assert bounds.text_problem("x" * 300, max_len=300) is None


def test_strip_forbidden_keeps_text_and_newlines():
    assert bounds.strip_forbidden("KALL\x00 ÖPPEN\n\x7f") == "KALL ÖPPEN\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("0", None), ("-1", None), ("²", None), ("1" * 11, None), ("", None)],
)
def test_parse_id(text, expected):
    assert bounds.parse_id(text) == expected


@pytest.mark.parametrize("text", ["inf", "nan", "-1", "1e308", "x", None])
def test_parse_number_refuses_what_is_not_a_bounded_number(text):
    assert bounds.parse_number(text, bounds.HOURS) is None


def test_parse_local_time_refuses_year_one():
    assert bounds.parse_local_time("0001-01-01T00:00") is None
    assert bounds.parse_local_time("2026-12-01T08:00").hour == 8
