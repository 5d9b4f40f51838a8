"""The demo's accounts for the log-in page, told by the demo app.

The demo app sits at the top of the import layers and knows its accounts; the log-in page lives
in accounts, near the bottom. Rather than reach up, accounts keeps one provider slot that
``DemoConfig.ready`` fills (as ``compliance.responses`` does for the registrations app). The page
shows the list only with ``LINDUNG_DEMO``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # core.roles.Role value
    scope: tuple[str, ...]


_provider: Callable[[], list[DemoLogin]] | None = None


def provide(provider: Callable[[], list[DemoLogin]]) -> None:
    global _provider
    _provider = provider


def demo_logins() -> list[DemoLogin]:
    return _provider() if _provider is not None else []
