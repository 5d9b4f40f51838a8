"""API token authentication: tokens expire ``API_TOKEN_DAYS`` after they were made, refusals are
bilingual, and an address that keeps sending wrong tokens is throttled (``FailedTokenThrottle``).

Settings: ``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]`` names
``lindung.accounts.authentication.ExpiringTokenAuthentication`` in place of DRF's
``TokenAuthentication``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from lindung.accounts.throttling import FailedTokenThrottle
from lindung.core.i18n import bilingual


def token_expires_at(token: Token) -> dt.datetime | None:
    """When ``token`` stops working; None when tokens never expire (``API_TOKEN_DAYS = 0``)."""
    days = settings.API_TOKEN_DAYS
    return token.created + dt.timedelta(days=days) if days else None


def token_expired(token: Token, now: dt.datetime | None = None) -> bool:
    expires = token_expires_at(token)
    return expires is not None and (now or timezone.now()) >= expires


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; 401 for an unknown, expired or inactive user's token,
    429 once the client address has sent too many wrong tokens."""

    def authenticate(self, request: Any) -> tuple[Any, Token] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no token: session or anonymous, throttled as such
        failures = FailedTokenThrottle()
        failures.check(request)
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            failures.record(request)
            raise

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        try:
            token = Token.objects.select_related("user").get(key=key)
        except Token.DoesNotExist:
            raise AuthenticationFailed(
                bilingual("token API tidak dikenal", "unknown API token")
            ) from None
        if not token.user.is_active:
            raise AuthenticationFailed(
                bilingual("pengguna nonaktif atau dihapus", "user inactive or deleted")
            )
        if token_expired(token):
            day = timezone.localdate(token_expires_at(token)).isoformat()
            raise AuthenticationFailed(
                bilingual(
                    f"token API kedaluwarsa sejak {day}; buat token baru di halaman /akun/",
                    f"the API token expired on {day}; create a new one on the /akun/ page",
                )
            )
        return token.user, token
