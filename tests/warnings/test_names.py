"""In sot "feed" means only what sot publishes (#10): what comes in is named
warnings, in the policy action, the settings (tests/config/test_settings.py) and the
officials' addresses."""

from __future__ import annotations

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
