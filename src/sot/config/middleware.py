"""Middleware: the language of the page, the Content-Security-Policy header, the
one handler of sot errors in views, and HEAD without a body.

Swedish first: the language is Swedish unless the user chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
official with an English-language browser an English sot without asking. Here the
language comes only from an explicit choice (the `django_language` cookie set by
/i18n/setlang/, or a URL under /en/ on the public site), else SOT_LANGUAGE.
"""

from __future__ import annotations

from csp.middleware import HEADER, HEADER_REPORT_ONLY, CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from sot.config.csp import EXEMPT_PREFIXES
from sot.errors import NotFound, Refused, SotError, Unauthenticated


def chosen_language(request) -> tuple[str, str | None]:
    """The language of the page and the language cookie's value, if any."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    lang = chosen
    if request.path_info.startswith("/en/"):
        lang = "en"
    if lang not in _known_languages():
        lang = settings.LANGUAGE_CODE
    return lang, chosen


def _known_languages() -> set[str]:
    return {code for code, _ in settings.LANGUAGES}


class HeadMiddleware:
    """A ``HEAD`` is answered as the ``GET`` of the same URL, with its headers and
    no body (RFC 9110 9.3.2: every general-purpose server supports both). The
    rest of the chain and the view see a ``GET``: the API's reads answered
    ``HEAD`` with 405, and Django's handler sent the pages' bodies, leaving it to
    gunicorn to drop them with a warning in the log for every such request (an
    uptime check's every minute). The ``Content-Length`` stays that of the body
    a ``GET`` gets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = request.META["REQUEST_METHOD"] = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = request.META["REQUEST_METHOD"] = "HEAD"
        if response.streaming:  # a file (WhiteNoise's static): not read at all
            response.streaming_content = []
        elif response.content:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang, chosen = chosen_language(request)
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if chosen:  # pages without the cookie do not depend on it; keep them cacheable
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", lang)
        translation.deactivate()
        return response


#: what a view may set on its response to change the policy (django-csp decorators)
_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware:
    """django-csp's middleware, skipping :data:`sot.config.csp.EXEMPT_PREFIXES`, with
    the header built once per policy: a response without a nonce or a view's own
    policy gets the header django-csp built for the settings' policy object last time
    (building it is a large share of a cached public page's cost)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.base = DjangoCSPMiddleware(get_response)
        self._memo: dict[bool, tuple] = {}

    def __call__(self, request):
        if request.path_info.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        self.base.process_request(request)
        response = self.get_response(request)
        return self._process_response(request, response)

    def _process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _OVERRIDES
        ):
            return self.base.process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return self.base.process_response(request, response)
        for report_only, header, setting in (
            (False, HEADER, "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = getattr(settings, setting, None)
            memo = self._memo.get(report_only)
            if memo is None or memo[0] is not policy:
                memo = (policy, build_policy(report_only=report_only))
                self._memo[report_only] = memo
            value = memo[1]
            exempt = getattr(
                response, "_csp_exempt_ro" if report_only else "_csp_exempt", False
            )
            prefixes = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES") or ())
            if (
                value
                and header not in response
                and exempt is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = value
        request.csp_nonce = CheckableLazyObject(self.base._csp_nonce_post_response)
        return response


class ErrorMiddleware:
    """The one place that turns :mod:`sot.errors` raised in a view into a response.

    A refusal gets Django's 403 page and a missing object its 404 page (through the
    usual handlers, so the templates and logging stay Django's); a missing login
    sends to the login page; a conflict (409) or invalid request (422) gets a short
    plain-text page with the message. The JSON API has its own handler in
    ``sot.api.main`` with the same mapping.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if isinstance(exc, ValidationError):
            # the model backstop (sot.validation.backstop) refused a value that a
            # form or schema should have caught: a 422 with the reason, not a 500
            return HttpResponse(
                "; ".join(exc.messages),
                status=422,
                content_type="text/plain; charset=utf-8",
            )
        if not isinstance(exc, SotError):
            return None
        if isinstance(exc, Refused):
            return response_for_exception(request, PermissionDenied(exc.message))
        if isinstance(exc, NotFound):
            return response_for_exception(request, Http404(exc.message))
        if isinstance(exc, Unauthenticated):
            return redirect_to_login(request.get_full_path())
        return HttpResponse(
            str(exc.message),
            status=exc.status,
            content_type="text/plain; charset=utf-8",
        )
