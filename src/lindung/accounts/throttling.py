"""API throttles with a bilingual 429, and the throttle of failed token attempts.

DRF checks throttles only after authentication, so a request with a wrong token ends with 401
before any throttle counts it: guessing tokens was never slowed down. ``FailedTokenThrottle``
counts those failures per client address (at the anonymous rate) inside the token
authentication (``accounts.authentication``); once an address has used them up, every token it
sends is refused with 429 until the window has passed, without being looked up.

Client addresses come from ``REMOTE_ADDR`` unless ``REST_FRAMEWORK["NUM_PROXIES"]`` says how many
proxies put theirs in ``X-Forwarded-For`` (DRF would otherwise trust any client's header).
Rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` when a throttle is made (each
request), not when the class is defined, so the environment and test overrides apply.
"""

from __future__ import annotations

import math
from typing import Any

from rest_framework import throttling
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings

from lindung.core.i18n import bilingual


def throttled(wait_seconds: float) -> Throttled:
    """429 with a bilingual detail and ``Retry-After``."""
    wait = max(1, math.ceil(wait_seconds))
    error = Throttled(
        detail=bilingual(
            f"terlalu banyak permintaan; coba lagi dalam {wait} detik",
            f"too many requests; try again in {wait} seconds",
        )
    )
    error.wait = wait  # DRF turns it into the Retry-After header
    return error


class _BilingualRate(throttling.SimpleRateThrottle):
    def get_rate(self) -> str | None:
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        return super().get_rate()

    def get_ident(self, request: Any) -> str:
        # DRF trusts a client's X-Forwarded-For unless NUM_PROXIES is set, so rotating that
        # header would escape every throttle. Only a configured proxy count reads it.
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return super().get_ident(request)

    def _history(self) -> list[float]:
        self.now = self.timer()
        history = self.cache.get(self.key, [])
        while history and history[-1] <= self.now - self.duration:
            history.pop()
        self.history = history
        return history

    def throttle_failure(self) -> bool:
        oldest = self.history[-1] if self.history else self.now
        raise throttled(self.duration - (self.now - oldest))


class AnonRateThrottle(_BilingualRate, throttling.AnonRateThrottle):
    """Anonymous API calls per client address (``anon`` rate)."""


class UserRateThrottle(_BilingualRate, throttling.UserRateThrottle):
    """API calls per signed-in user (``user`` rate)."""


class AddressCounter(_BilingualRate):
    """Counts chosen events per client address, not every request: ``check`` refuses (429,
    bilingual, with the wait) once the address has used up its rate; ``record`` counts one.
    The rate is ``DEFAULT_THROTTLE_RATES[scope]`` when the settings name it, else
    ``default_rate``."""

    default_rate: str | None = None

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.default_rate

    def get_cache_key(self, request: Any, view: Any = None) -> str:
        # Not AnonRateThrottle's key: it reads request.user, which may be being authenticated.
        return self.cache_format % {"ident": self.get_ident(request)}

    def check(self, request: Any) -> None:
        """Raise 429 when the address has counted as many events as the rate allows lately."""
        if self.rate is None:
            return
        self.key = self.get_cache_key(request)
        if len(self._history()) >= self.num_requests:
            self.throttle_failure()

    def record(self, request: Any) -> None:
        if self.rate is None:
            return
        self.key = self.get_cache_key(request)
        history = self._history()
        history.insert(0, self.now)
        self.cache.set(self.key, history, self.duration)


class FailedTokenThrottle(AddressCounter):
    """Failed token authentications per client address, at the ``anon`` rate."""

    scope = "anon"
    cache_format = "throttle_token_failures_%(ident)s"
