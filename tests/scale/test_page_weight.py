"""Public pages that do not grow with the country: at 3 000 points in every county,
no public page is heavier than 14 KB gzip."""

from __future__ import annotations

import gzip
from collections import Counter

import pytest
from django.db.models import Count

from sot.operations import country
from sot.public import finder
from sot.public.pages import PublicData

pytestmark = pytest.mark.django_db

LIMIT = 14 * 1024


@pytest.fixture
def nation():
    return country.generate(points=3000, activations=1000, reports=1000, seed=1)


def _largest(field: str) -> str:
    from sot.registry.models import Point

    row = (
        Point.objects.values(field)
        .annotate(n=Count("id"))
        .order_by("-n", field)
        .first()
    )
    return row[field]


def test_no_public_page_exceeds_14_kb_gzip(client, nation):
    from sot.operations.models import Activation

    county = _largest("municipality__county_code")
    municipality = _largest("municipality__code")
    slug = Activation.objects.order_by("id").first().point.slug
    # the municipality with the most localities (Gothenburg's, 42 of 4 956)
    most_places = Counter(
        place.municipality_code for place in finder.localities(PublicData())
    ).most_common(1)[0][0]
    paths = []
    for p in ("", "/en"):
        paths += [
            f"{p}/",
            f"{p}/lan/{county}/",
            f"{p}/kommun/{municipality}/",
            f"{p}/punkt/{slug}/",
            f"{p}/karta/",
            f"{p}/meddelanden/",
            f"{p}/oppna-data/",
            f"{p}/nara/?q=63.2,14.5",
            f"{p}/orter/",
            f"{p}/orter/{most_places}/",
        ]
    weights = {}
    for path in paths:
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, path
        body = response.content
        if response.get("Content-Encoding") != "gzip":
            body = gzip.compress(body)
        weights[path] = len(body)
    heavy = {p: w for p, w in weights.items() if w > LIMIT}
    assert not heavy, f"pages over 14 KB gzip: {heavy}"
    # the start page of a national install lists counties, not points
    start = client.get("/").content.decode()
    assert f"/lan/{county}/" in start and f"/punkt/{slug}/" not in start
