"""Request ids: from ``X-Request-ID`` or made here; echoed back, put in logs and audit rows."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("lindung_request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_id_bound(value: str | None = None) -> Iterator[str]:
    """A request id for work outside a request (CLI, background jobs), reset afterwards."""
    token = _request_id.set(value or uuid.uuid4().hex)
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose otherwise with the language switch (cookie).

    Django's own middleware follows the browser's Accept-Language, which would show English to
    most officers whose browsers are set up in English; the platform is Indonesian first.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
