"""WSGI entry point (`sot serve` runs it under gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sot.config.settings")
application = get_wsgi_application()
