"""Notifications' card on the home page (``core.home``): the user's unread notices."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.core.home import HomeItem
from lindung.notifications.selectors import unread_count


def items(user: Any) -> list[HomeItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    unread = unread_count(user)
    return [
        HomeItem(
            key="notifications",
            title=_("Unread notifications"),
            figure=unread,
            detail=(
                _("Notices about your requests, cases, files and jobs you have not read yet.")
                if unread
                else _("You have read every notice.")
            ),
            url=reverse("notifications:index") + ("?unread=1" if unread else ""),
            priority=70,
        )
    ]
