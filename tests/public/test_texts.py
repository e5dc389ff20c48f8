"""The public phrase book (docs/decisions/public-phrase-book.md): every phrase has a
Swedish and an English text with the same placeholders."""

import string

from sot.public.texts import PHRASES, phrases


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_phrase_in_both_languages_with_the_same_placeholders():
    problems = [
        key
        for key, (sv, en) in PHRASES.items()
        if not sv.strip() or not en.strip() or _fields(sv) != _fields(en)
    ]
    assert problems == []


def test_lookup_by_language():
    assert phrases("sv")["exercise"] == "ÖVNING"
    assert phrases("en")["exercise"] == "EXERCISE"
