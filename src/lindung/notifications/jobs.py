"""Notification work for the worker: send the due deliveries (e-mail, SMS/WhatsApp)."""

from __future__ import annotations

from typing import Any

from lindung.notifications.services import deliver_pending


def deliver(*, job: Any = None, progress: Any = None, due: str = "", **_: Any) -> dict[str, int]:
    """One pass of ``deliver_pending`` (a schedule's job, or called by the worker's loop)."""
    if progress is not None:
        progress(10, "deliver")
    return deliver_pending()
