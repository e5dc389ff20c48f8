"""The gunicorn workers' garbage collector (#15): what is alive once the
application is loaded is frozen out of the collector's passes, and the first
generation's threshold is raised (sot.config.gunicorn_hooks)."""

from __future__ import annotations

import gc

import pytest

from sot.config import gunicorn_hooks


@pytest.fixture
def restored_gc():
    """Python's own collector settings again after the test."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_a_loaded_worker_freezes_what_it_has_and_collects_less_often(restored_gc):
    kept = [[] for _ in range(100)]  # containers alive when the worker is ready
    gc.unfreeze()
    gunicorn_hooks.post_worker_init(worker=None)
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold() == gunicorn_hooks.GC_THRESHOLDS
    assert gc.get_threshold()[0] > 700  # Python's default
    # frozen: out of every generation the collector walks
    walked = {id(o) for o in gc.get_objects()}
    assert not any(id(k) in walked for k in kept)
    young = []  # made after the freeze: collected as usual
    assert id(young) in {id(o) for o in gc.get_objects()}


def test_garbage_is_collected_before_the_freeze(restored_gc):
    """A cycle already unreachable is freed, not frozen for the worker's life."""
    import weakref

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    gc.unfreeze()
    gunicorn_hooks.tune_gc()
    assert gone() is None
