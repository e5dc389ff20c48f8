"""The English catalogues: current, complete, not fuzzy, compiled, and consistent.

The .po files are read with a small parser of our own (no polib needed) and each .mo
is read with the stdlib `gettext`. Whether the catalogues hold exactly the messages
the code and templates use is checked by running scripts/messages.py's regeneration
(Django's makemessages) on a copy of src/sot; that one test needs GNU gettext.
"""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "sot"
PO_FILES = sorted(SRC.glob("**/locale/en/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sd]|\{\w*\}")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The key as gettext stores it: context and id joined by EOT."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry = Entry(line=0)
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal entry
        if entry.msgstr:
            entries.append(entry)
        entry = Entry(line=0)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            target = None
        elif line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: string outside an entry"
            _append(entry, target, ast.literal_eval(line))
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                finish()
            if keyword == "msgid":
                entry.line = number
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            target = (
                ("msgstr", int(match.group(1)))
                if match
                else (keyword, 0 if keyword == "msgstr" else None)
            )
            assert keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr") or match, (
                f"{path}:{number}: unexpected {keyword!r}"
            )
            if target[0] == "msgstr":
                entry.msgstr[target[1]] = ""
            elif target[0] == "msgctxt":
                entry.msgctxt = ""
            elif target[0] == "msgid_plural":
                entry.msgid_plural = ""
            _append(entry, target, ast.literal_eval(rest))
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += text
    else:
        setattr(entry, name, (getattr(entry, name) or "") + text)


def _id(path: Path) -> str:
    first = path.relative_to(SRC).parts[0]
    return "project" if first == "locale" else first


def test_there_are_catalogues():
    assert {"registry", "accounts", "project"} <= {_id(p) for p in PO_FILES}


def _keys(path: Path) -> set[str]:
    return {e.key for e in parse_po(path)[1:]}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext not installed")
def test_catalogues_hold_exactly_the_messages_the_code_uses(tmp_path, settings):
    """makemessages on a copy of src/sot must find nothing new and drop nothing:
    every msgid in code and templates is in its catalogue (so the tests above see
    its translation) and no catalogue keeps a message no longer used."""
    spec = importlib.util.spec_from_file_location(
        "sot_messages", SRC.parent.parent / "scripts" / "messages.py"
    )
    messages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(messages)
    copy = tmp_path / "sot"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    regenerated = messages.regenerate(copy)
    problems = []
    for po in regenerated:
        committed = SRC / po.relative_to(copy)
        if not committed.exists():
            problems.append(f"new catalogue {committed.relative_to(SRC)}")
            continue
        now, used = _keys(committed), _keys(po)
        problems += [f"missing in {_id(committed)}: {k!r}" for k in sorted(used - now)]
        problems += [f"stale in {_id(committed)}: {k!r}" for k in sorted(now - used)]
    assert regenerated, "makemessages wrote no catalogue"
    assert not problems, (
        "run .venv/bin/python scripts/messages.py, translate the new entries "
        "(docs/development.md, Translations) and run it again:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("po_path", PO_FILES, ids=_id)
def test_every_message_is_translated_and_not_fuzzy(po_path):
    entries = parse_po(po_path)
    header, messages = entries[0], entries[1:]
    assert header.msgid == "" and "fuzzy" not in header.flags
    assert "Language: en" in header.msgstr[0]
    assert messages, f"{po_path} has no messages"
    problems = []
    for e in messages:
        where = f"{po_path.name}:{e.line} {e.msgid!r}"
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {where}")
        if any(not s.strip() for s in e.msgstr.values()):
            problems.append(f"empty: {where}")
        if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]:
            problems.append(f"plural forms: {where}")
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr.values():
            if text.strip() and sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {where} -> {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=_id)
def test_mo_is_compiled_from_the_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run msgfmt -o {mo_path.name} {po_path.name}"
    with mo_path.open("rb") as f:
        catalog = dict(gettext.GNUTranslations(f)._catalog)
    catalog.pop("", None)
    expected = {}
    for e in parse_po(po_path)[1:]:
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, n): s for n, s in e.msgstr.items()})
    assert catalog == expected, (
        f"{mo_path} is out of date: run msgfmt -o django.mo django.po in {po_path.parent}"
    )


def test_apps_agree_on_shared_messages():
    """All apps share one gettext domain, so the first app in INSTALLED_APPS wins a
    message both define; they must agree, or the other app shows the wrong text."""
    seen: dict[str, tuple[str, dict[int, str]]] = {}
    clashes = []
    for po_path in PO_FILES:
        for e in parse_po(po_path)[1:]:
            if e.key in seen and seen[e.key][1] != e.msgstr:
                clashes.append(
                    f"{e.msgid!r}: {seen[e.key][0]} {seen[e.key][1]} "
                    f"vs {_id(po_path)} {e.msgstr} (give one a context: pgettext)"
                )
            seen.setdefault(e.key, (_id(po_path), e.msgstr))
    assert not clashes, "\n".join(clashes)


def test_english_is_used_when_active():
    from django.utils import translation

    from sot.accounts.models import User
    from sot.registry.models import Lifecycle, Point

    with translation.override("en"):
        assert str(Point._meta.verbose_name) == "SOT point"
        assert str(Point._meta.verbose_name_plural) == "SOT points"
        assert str(Point._meta.get_field("lifecycle").verbose_name) == "lifecycle stage"
        assert str(Lifecycle.ESTABLISHED.label) == "Established"
        assert str(User._meta.get_field("role").verbose_name) == "role"
    with translation.override("sv"):
        assert str(Point._meta.verbose_name) == "SOT-punkt"
