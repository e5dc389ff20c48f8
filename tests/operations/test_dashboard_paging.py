"""The coordinators' dashboard shows its table a page at a time and the oldest of
the verify queue (#15): with 1 000 activations the whole table took seconds to
render. Every row stays one link away, and the filters are kept."""

from __future__ import annotations

import re

import pytest

from sot.operations import country, views

pytestmark = pytest.mark.django_db


def _slugs(html: str) -> list[str]:
    return re.findall(r'href="/drift/handelser/\d+/punkter/([^/]+)/">', html)


def test_rows_are_paged_with_every_row_one_link_away(client, admin_user, monkeypatch):
    monkeypatch.setattr(views, "DASHBOARD_ROWS", 4)
    monkeypatch.setattr(views, "VERIFY_SHOWN", 2)
    country.generate(points=12, activations=10, reports=0, seed=6, county_codes=["23"])
    client.force_login(admin_user)
    first = client.get("/drift/oversikt/").content.decode()
    assert "Visar punkt 1–4 av 10." in first and "Föregående sida" not in first
    table = first.split('id="verify"')[0]
    seen = _slugs(table)
    assert len(seen) == 4
    link = re.search(r'<a href="(\?[^"]*sida=2[^"]*)">Nästa sida', first).group(1)
    pages = [table]
    while link:
        page = client.get("/drift/oversikt/" + link.replace("&amp;", "&"))
        html = page.content.decode()
        pages.append(html.split('id="verify"')[0])
        seen += _slugs(pages[-1])
        found = re.search(r'<a href="(\?[^"]*)">Nästa sida', html)
        link = found.group(1) if found else ""
    assert len(seen) == len(set(seen)) == 10
    assert "Visar punkt 9–10 av 10." in pages[-1]


def test_a_filter_is_kept_in_the_page_links(client, admin_user, monkeypatch):
    from sot.operations.models import Activation

    monkeypatch.setattr(views, "DASHBOARD_ROWS", 1)
    country.generate(points=8, activations=6, reports=0, seed=7, county_codes=["23"])
    code = (
        Activation.objects.values_list("point__municipality__code", flat=True)
        .order_by("point__municipality__code")
        .first()
    )
    client.force_login(admin_user)
    html = client.get(f"/drift/oversikt/?kommun={code}").content.decode()
    if "Nästa sida" in html:
        link = re.search(r'<a href="(\?[^"]*)">Nästa sida', html).group(1)
        assert f"kommun={code}" in link and "sida=2" in link
    out_of_range = client.get(f"/drift/oversikt/?kommun={code}&sida=999")
    assert out_of_range.status_code == 200  # the last page, not an error


def test_the_verify_queue_counts_all_and_shows_the_oldest(
    client, admin_user, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    from sot.operations.models import Activation

    monkeypatch.setattr(views, "VERIFY_SHOWN", 2)
    country.generate(points=8, activations=5, reports=10, seed=8, county_codes=["23"])
    # every report hours old: each activated point is stale, to be verified
    Activation.objects.update(last_seen_at=timezone.now() - timedelta(days=2))
    from sot.operations.models import StatusReport

    StatusReport.objects.update(observed_at=timezone.now() - timedelta(days=2))
    client.force_login(admin_user)
    html = client.get("/drift/oversikt/").content.decode()
    total = int(re.search(r"Att verifiera \((\d+)\)", html).group(1))
    queue = html.split('id="verify"')[1].split("</ul>")[0]
    assert total >= 3
    assert queue.count("<li>") == 2
    assert f"Visar de 2 äldsta av {total}" in html


def test_a_point_is_found_by_name_whichever_page_it_is_on(
    client, admin_user, monkeypatch
):
    from sot.operations.models import Activation

    monkeypatch.setattr(views, "DASHBOARD_ROWS", 2)
    country.generate(points=12, activations=10, reports=0, seed=9, county_codes=["23"])
    last = Activation.objects.select_related("point").order_by(
        "-point__municipality__code", "-point__name"
    )[0]
    client.force_login(admin_user)
    first = client.get("/drift/oversikt/").content.decode()
    assert last.point.slug not in _slugs(first.split('id="verify"')[0])
    html = client.get("/drift/oversikt/", {"q": last.point.name}).content
    table = html.decode().split('id="verify"')[0]
    named = Activation.objects.filter(point__name__iexact=last.point.name).count()
    assert last.point.slug in _slugs(table)
    assert len(_slugs(table)) == min(named, 2)
    assert f'value="{last.point.name}"' in html.decode()
    # a search that finds nothing says so, not that nothing is activated
    none = client.get("/drift/oversikt/", {"q": "Kalll"}).content.decode()
    assert "Ingen aktiverad punkt matchar ”Kalll”." in none
    assert "Inga aktiverade punkter." not in none
