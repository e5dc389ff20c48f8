"""Rate limits for what anyone may send: the public subscribe form and API.

A fixed window per key in Django's cache (local memory by default, so each server
process counts on its own; a shared cache backend makes it exact). SMS from one
number are limited by counting stored messages instead (sot.outreach.inbound), which
holds across processes.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, window_s: int) -> bool:
    """Count one hit for ``key``; False once more than ``limit`` in the window."""
    bucket = int(time.time() // window_s)
    name = f"sot-rate:{key}:{bucket}"
    cache.add(name, 0, timeout=window_s + 5)
    try:
        hits = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window_s + 5)
        hits = 1
    return hits <= limit
