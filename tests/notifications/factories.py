"""Notifications for the access matrix and the app's tests."""

from __future__ import annotations

from typing import Any

from lindung.notifications.events import NotificationEvent
from lindung.notifications.models import Notification

# The matrix's notification belongs to the regency officer: every other role is a stranger to it.
OWNER_ROLE = "regency_officer"


def notification_of(user: Any, *, key: str = "matrix", read: bool = False) -> Notification:
    """A plain notice of ``user`` (made on demand, so the matrix world needs no extra step)."""
    notification, _ = Notification.objects.get_or_create(
        recipient=user,
        event=NotificationEvent.JOB_DONE,
        dedupe_key=key,
        defaults={
            "title_id": "Pekerjaan selesai: impor uji",
            "title_en": "Job done: test import",
            "body_id": "Impor uji telah selesai.",
            "body_en": "The test import has finished.",
        },
    )
    if read and notification.read_at is None:
        from django.utils import timezone

        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def matrix_notification(world: dict[str, Any]) -> dict[str, int]:
    """kwargs of the regency officer's notification, created inside the calling test."""
    return {"pk": notification_of(world["users"][OWNER_ROLE]).pk}
