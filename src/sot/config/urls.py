"""Root URLs. Each app with a `urls.py` is included; the API lives at /api/v1/."""

from importlib import import_module
from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path

handler400 = "sot.config.errorpages.bad_request"
handler403 = "sot.config.errorpages.permission_denied"
handler404 = "sot.config.errorpages.page_not_found"
handler500 = "sot.config.errorpages.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("sot.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Officials' pages first (operations, warnings, outreach under their own prefixes),
# the public site last since it owns the root.
for app in ("registry", "operations", "warnings", "outreach", "box", "plans", "public"):
    if find_spec(f"sot.{app}.urls") is not None:
        module = import_module(f"sot.{app}.urls")
        urlpatterns.append(path("", include(module)))
