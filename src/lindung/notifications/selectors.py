"""Reads of the notifications app. Every list starts from ``Notification.objects.for_actor``
and is narrowed to the reader's own notices: nobody, an administrator included, reads another
person's inbox (another's notification is 404)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from lindung.notifications.events import OPTIONAL_CHANNELS, Channel, NotificationEvent, spec
from lindung.notifications.filters import NotificationFilter
from lindung.notifications.models import Contact, Notification, Preference


def notifications_for(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first (none for anonymous callers)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return Notification.objects.none()
    return Notification.objects.for_actor(user).filter(recipient_id=user.pk)


def notifications_filtered(user: Any, params: Mapping[str, Any]) -> NotificationFilter:
    """The list as the page and the API filter it, newest first (``unread=1``: unread only)."""
    rows = notifications_for(user).order_by("-id")
    return NotificationFilter(params, queryset=rows)


def notification_for(user: Any, notification_id: int) -> Notification:
    try:
        return notifications_for(user).get(pk=notification_id)
    except Notification.DoesNotExist:
        raise Http404(notification_id) from None


def unread_count(user: Any) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def preference_table(user: Any) -> list[tuple[NotificationEvent, dict[str, bool]]]:
    """For each event, whether each optional channel is on for ``user`` (stored or default)."""
    stored = {
        (e, c): v
        for e, c, v in Preference.objects.filter(user=user).values_list(
            "event", "channel", "enabled"
        )
    }
    table = []
    for event in NotificationEvent:
        default = spec(event)
        table.append(
            (
                event,
                {
                    c.value: stored.get((event.value, c.value), default.default(c))
                    for c in OPTIONAL_CHANNELS
                },
            )
        )
    return table


def phone_of(user: Any) -> str:
    contact = Contact.objects.filter(user=user).first()
    return contact.phone if contact else ""


def opted_in(users: QuerySet[Any], event: str, channel: str = Channel.EMAIL) -> QuerySet[Any]:
    """Those of ``users`` who receive ``event`` by ``channel``: their own choice, else the
    event's default (for a subscription such as the monthly coverage report: those who opted
    in). For callers that choose recipients, e.g. the officers of a region."""
    chosen = Preference.objects.filter(event=event, channel=channel)
    if spec(event).default(channel):
        return users.exclude(pk__in=chosen.filter(enabled=False).values("user_id"))
    return users.filter(pk__in=chosen.filter(enabled=True).values("user_id"))
