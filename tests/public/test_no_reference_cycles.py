"""What a public render loads is freed as soon as the render is done (#15): no
reference cycle holds the points, their services or the public data, so nothing
of it is left to the cyclic garbage collector, whose full passes stop every
thread of a web worker (docs/scaling.md, "The tails")."""

from __future__ import annotations

import gc

import pytest

from sot.public import feeds, pages

#: what a render loads per point, by class name (the running events keep their
#: prefetched municipalities in a cycle still: a few hundred objects a render on a
#: national install, however many points)
LOADED = {"PointRow", "PublicPoint", "Service", "PublicData"}


@pytest.fixture
def cyclic_garbage():
    """Collects and returns what only reference cycles kept alive, by class name."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)

    def collect() -> set[str]:
        gc.collect()
        names = {type(o).__name__ for o in gc.garbage}
        gc.set_debug(0)  # free what was found, so the next call sees only new
        gc.garbage.clear()
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        return names

    try:
        yield collect
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_the_feed_and_the_pages_leave_no_cycles(db, kall_open, cyclic_garbage):
    from sot.registry.models import Point

    assert Point.objects.count() > 1  # more than one point, each with services
    feeds.geojson_bytes(pages.PublicData())
    pages.render_start(pages.PublicData(), "sv")
    data = pages.PublicData(where={"slug": "kall"})
    pages.render_point(data, "kall", "sv")
    assert data.narrow({"slug": "kall"}).points
    del data
    assert cyclic_garbage() & LOADED == set()
