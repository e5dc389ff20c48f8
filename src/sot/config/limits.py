"""Request size limits: a body larger than ``SOT_MAX_UPLOAD_MB`` is refused with 413
before it is read (by its Content-Length), and an upload without one is cut off by
:class:`LimitedUploadHandler` as soon as it passes the limit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

from sot.config import errorpages


def max_bytes() -> int:
    return settings.SOT_MAX_UPLOAD_BYTES


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes():
            return errorpages.render_error(request, 413)
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of all files in a request and stops past the limit."""

    def new_file(self, *args, **kwargs):
        self.received = getattr(self, "received", 0)
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > max_bytes():
            raise RequestDataTooBig("upload larger than SOT_MAX_UPLOAD_MB")
        return raw_data

    def file_complete(self, file_size):
        return None
