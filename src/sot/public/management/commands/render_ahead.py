"""``sot render_ahead``: keep the slow public pages rendered beside the web workers."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from sot.public import ahead, pagecache


class Command(BaseCommand):
    help = (
        "Keep the public pages that are slow to render (SOT_RENDER_AHEAD_MS; the "
        "national GeoJSON) rendered in the web workers' shared folder "
        "(SOT_PAGE_CACHE_DIR), before they age and after every change, so that no "
        "web worker renders them while readers wait. `sot serve` starts it."
    )

    def handle(self, *args, **options):
        store = pagecache.shared()
        if store is None:
            raise CommandError(
                "SOT_PAGE_CACHE_DIR is empty: the renderer writes pages to the folder "
                "the web workers read them from; set it to the same folder as theirs."
            )
        stop = threading.Event()

        def stopping(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, stopping)
        signal.signal(signal.SIGINT, stopping)
        ahead.run(store, stop=stop)
