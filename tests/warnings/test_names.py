"""In sot "feed" means only what sot publishes (#10): what comes in is named
warnings, in the policy action, the settings (tests/config/test_settings.py), the
officials' addresses, and the names, strings and templates of warnings and
operations."""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from sot.accounts import policy
from sot.warnings import permissions


def test_source_health_is_a_warning_source_action(
    coordinator, are_officer, kall_operator, anonymous
):
    assert permissions.VIEW_SOURCE_HEALTH == "warning_source.view_health"
    assert not any(action.startswith("feed.") for action in policy.actions())
    who = {
        name: policy.can(user, permissions.VIEW_SOURCE_HEALTH)
        for name, user in [
            ("coordinator", coordinator),
            ("officer", are_officer),
            ("operator", kall_operator),
            ("anonymous", anonymous),
        ]
    }
    assert who == {
        "coordinator": True,
        "officer": True,
        "operator": False,
        "anonymous": False,
    }


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.lookup_str


def test_only_the_outgoing_feeds_have_feed_in_their_address():
    said = {
        route: view
        for route, view in _routes(get_resolver().url_patterns)
        if any(word in route.lower() for word in ("feed", "flode", "flöde"))
    }
    assert said and all(
        route.startswith("feeds/") and view.startswith("sot.public.")
        for route, view in said.items()
    ), said


SRC = Path(__file__).resolve().parents[2] / "src" / "sot"
#: "feed" kept on purpose in the code of the incoming side, each for its reason
KEPT = {
    "poll_due_feeds": "the task's name before #10: rows queued under it still run",
    "poll_feed": "the task's name before #10: rows queued under it still run",
    "SOT_FEED_": "the settings' old names, read as deprecated aliases",
    "feeds_message_unique_identifier": "a database constraint (renaming it rebuilds "
    "the unique index)",
    "sot_warnings_api_feed_health": "the OpenAPI operation id clients are made from",
    "no longer in the feed": "the reason stored with every message a snapshot ended",
    "<feed xmlns=": "an Atom document, which the CAP parser must refuse",
}
#: the folder of recorded real documents in ../shared/data (not sot's to rename),
#: which the tests' fixtures read
SHARED_FOLDER = "feeds"


def _names_and_strings(path: Path):
    """The names a module defines and the strings it uses (not its docstrings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.alias):
            yield node.asname or node.name
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.value


def test_the_incoming_side_names_nothing_feed():
    """No name, string or template of warnings or operations says "feed" for what
    comes in (the warnings' tests are named so too), but those kept on purpose."""
    found = set()
    for path in [
        *(SRC / "warnings").rglob("*.py"),
        *(SRC / "operations").rglob("*.py"),
        *(SRC.parent.parent / "tests" / "warnings").rglob("*.py"),
    ]:
        if "migrations" in path.parts or path.name in (
            "test_source_rename.py",  # the history of the rename itself
            "test_names.py",  # the rule itself
        ):
            continue
        found |= {
            value
            for value in _names_and_strings(path)
            if "feed" in value.lower()
            and not (value == SHARED_FOLDER and "tests" in path.parts)
            and not any(kept in value for kept in KEPT)
        }
    for path in [
        *(SRC / "warnings").rglob("*.html"),
        *(SRC / "operations").rglob("*.html"),
    ]:
        if "feed" in path.read_text(encoding="utf-8").lower():
            found.add(str(path.relative_to(SRC)))
    assert sorted(found) == []
