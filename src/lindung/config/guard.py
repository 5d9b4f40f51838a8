"""A server never starts on the public demo key: WSGI, ASGI and ``lindung runserver|serve`` call
:func:`refuse_demo_key_outside_demo` before they serve a request (docs/operations.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MESSAGE = (
    "LINDUNG_SECRET_KEY is not set: set it to a long random value, for example "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' (docs/operations.md). "
    "/ LINDUNG_SECRET_KEY belum diatur: isi dengan nilai acak yang panjang."
)


def refuse_demo_key_outside_demo() -> None:
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY and not (
        settings.DEBUG or settings.LINDUNG_DEMO
    ):
        raise ImproperlyConfigured(MESSAGE)
