"""Swedish first: the language is Swedish unless the user chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
official with an English-language browser an English sot without asking. Here the
language comes only from an explicit choice (the `django_language` cookie set by
/i18n/setlang/, or a URL under /en/ on the public site), else SOT_LANGUAGE.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        lang = chosen
        if request.path_info.startswith("/en/"):
            lang = "en"
        if lang not in self.known:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if chosen:  # pages without the cookie do not depend on it; keep them cacheable
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", lang)
        translation.deactivate()
        return response
