"""Rate limits on what anyone may send, and what the public subscribe page may show
(#12)."""

import pytest
from django.core.cache import cache

from sot.outreach.models import InboundSms, Subscription
from sot.registry.models import Point

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters start at zero in every test."""
    cache.clear()
    yield
    cache.clear()


def _subscribe(client, email, target="Kall"):
    return client.post(
        "/prenumerera/", {"email": email, "target": target, "language": "sv"}
    )


def test_subscribe_form_is_throttled_per_address(client, jamtland):
    answers = [_subscribe(client, f"p{i}@example.se").status_code for i in range(12)]
    assert answers[:10] == [200] * 10
    assert answers[10:] == [429, 429]
    assert Subscription.objects.count() == 10


def test_subscribe_api_is_throttled_too(client, jamtland):
    codes = [
        client.post(
            "/api/v1/notify/subscriptions",
            {"email": f"a{i}@example.se", "target": "Åre"},
            content_type="application/json",
        ).status_code
        for i in range(11)
    ]
    assert codes[:10] == [202] * 10 and codes[10] == 429


def test_one_mailbox_cannot_be_flooded_with_confirmations(client, jamtland):
    """From many addresses, one victim's mailbox gets at most five pending asks."""
    names = list(
        Point.objects.filter(lifecycle__in=("approved", "established")).values_list(
            "name", flat=True
        )
    )
    for name in names:
        _subscribe(client, "victim@example.se", target=name)
        cache.clear()  # as if each came from another address
    assert Subscription.objects.filter(address="victim@example.se").count() == min(
        5, len(names)
    )


def test_subscribe_page_lists_no_planned_points(client, jamtland):
    Point.objects.filter(slug="valsjobyn").update(lifecycle="planned")
    planned = Point.objects.get(slug="valsjobyn")
    page = client.get("/prenumerera/").content.decode()
    assert planned.name not in page
    r = _subscribe(client, "x@example.se", target=planned.name)
    assert r.status_code == 200
    assert not Subscription.objects.filter(point=planned).exists()


def test_sms_flood_from_one_number_is_not_acted_on(frg, sms_in):
    results = [sms_in("+46701234599", "HJÄLP", f"SMflood{i}") for i in range(25)]
    assert InboundSms.objects.filter(sender="+46701234599").count() == 25
    ignored = [r for r in results if r.outcome == "rate limited; ignored"]
    assert len(ignored) == 5  # 20 acted on, the rest ignored
    assert all(not r.reply for r in ignored)
