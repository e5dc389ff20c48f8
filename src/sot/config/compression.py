"""gzip for every response that has not compressed itself (the API, officials'
pages), honouring ``gzip;q=0``.

BREACH: compressing a page that holds a secret next to text an attacker controls can
leak the secret through the compressed size. Django masks the CSRF token anew in
every response, so it cannot be guessed byte by byte this way; session cookies are
headers, not body. That is why officials' pages are compressed too (see
docs/scaling.md).
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

from sot.public.http import accepts_gzip


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if getattr(response, "sot_encoded", False):
            return response  # the public views compress and tag themselves
        if not accepts_gzip(request.headers.get("Accept-Encoding", "")):
            return response
        return super().process_response(request, response)
