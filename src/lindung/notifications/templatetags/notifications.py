"""``{% unread_notifications as count %}``: the user's unread count for the navbar bell, counted
once per request (no context processor needed, so pages that never show the bell never count)."""

from __future__ import annotations

from django import template

from lindung.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(request, "_notifications_unread", None) if request is not None else None
    if cached is None:
        cached = unread_count(user)
        if request is not None:
            request._notifications_unread = cached  # type: ignore[attr-defined]
    return cached
