"""Whether the sync is applying central's copy right now (a flag, nothing else).

On a box the register is refused to every writer but the sync
(:mod:`sot.box.receivers`); the sync's deletions are not raw saves, so it says so
with :func:`central_copy`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_copying: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sot_box_copying", default=False
)


@contextmanager
def central_copy() -> Iterator[None]:
    """Within this block the box may change its copy of the register: only the
    sync uses it, to remove what central deleted."""
    token = _copying.set(True)
    try:
        yield
    finally:
        _copying.reset(token)


def copying() -> bool:
    return _copying.get()
