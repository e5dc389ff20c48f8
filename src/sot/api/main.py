"""The JSON API v1: one NinjaAPI, one router per app.

Routers live in each app's `api.py` as `router`; those that exist are mounted here.
OpenAPI at /api/v1/openapi.json (completed with security and every error status by
:mod:`sot.api.openapi`), docs at /api/v1/docs.
"""

from importlib import import_module
from importlib.util import find_spec

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

import sot
from sot.api import openapi
from sot.api.auth import optional_auth
from sot.errors import SotError


class SotAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also lists security and every error status
    (see :mod:`sot.api.openapi`)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(
            path_prefix=path_prefix, path_params=path_params
        )
        return openapi.complete(schema)


api = SotAPI(
    title="sot API",
    version="1",
    description=(
        "SOT-punkter (service- och trygghetspunkter): the register, operations and open "
        "data. Anonymous callers see public fields only; send `Authorization: Bearer "
        "<token>` (create one with `sot createuser --token`) to act with a user's role."
    ),
    auth=optional_auth,
    urls_namespace="api-v1",
)
api.version_info = sot.__version__


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = (
        exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    )
    return api.create_response(
        request, {"detail": "invalid", "errors": errors}, status=422
    )


@api.exception_handler(SotError)
def _sot_error(request, exc: SotError):
    """The one mapping of sot's error hierarchy to HTTP for the API."""
    return api.create_response(request, {"detail": exc.detail}, status=exc.status)


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or "permission denied"}, status=403
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(
        request, {"detail": "invalid or revoked token"}, status=401
    )


for _app in ("registry", "operations", "warnings", "outreach", "public", "box"):
    if find_spec(f"sot.{_app}.api") is not None:
        _module = import_module(f"sot.{_app}.api")
        api.add_router("/", _module.router, tags=[_app])
