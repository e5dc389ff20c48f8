"""Settings and hooks of the gunicorn workers that `sot serve` starts (#15); no
Django import, gunicorn reads this module itself (``--config
python:sot.config.gunicorn_hooks``).

The cyclic garbage collector stops every thread of a worker while it runs. Left
at Python's defaults, a worker serving a national install ran a full pass over
all its objects (Django's 120 000 and a render's own) several times during every
render of a large page, 150-440 ms each, and every request of that worker waited
(docs/scaling.md, "The tails"). So, once the application is loaded in a worker:

- ``gc.freeze()`` moves what is there then (settings, models, URL patterns,
  templates' modules: what lives as long as the worker) out of the collector's
  sight, so no pass walks it again;
- the first generation is collected after ``GC_THRESHOLDS[0]`` new objects instead
  of 700, so a render of 3 000 points starts a few short passes instead of
  hundreds that move its rows into the older generations and so start full
  passes. What a render leaves is freed by reference counting (the public data
  holds no reference cycles; the points are plain values,
  :func:`sot.public.state.point_rows`), so fewer passes do not mean more memory
  kept.
"""

from __future__ import annotations

import gc

#: collection thresholds of the three generations (Python's are 700, 10, 10)
GC_THRESHOLDS = (50_000, 10, 10)
#: glibc's malloc gives each thread its own arenas, up to 8 per core, and keeps
#: what a render freed in them; two keeps a worker's memory from growing with
#: its threads. Set for the workers unless the environment already says
MALLOC_ARENA_MAX = "2"


def tune_gc() -> None:
    """Freeze what is alive now and raise the first generation's threshold."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def post_worker_init(worker) -> None:
    """gunicorn calls this in each worker once the application is loaded."""
    tune_gc()
