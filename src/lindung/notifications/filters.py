"""The notification list's one FilterSet, read by the page ``/notifikasi/`` and the API
``/api/v1/notifications/``."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.notifications.events import NotificationEvent
from lindung.notifications.models import Notification


class NotificationFilter(django_filters.FilterSet):
    """``unread=1`` (only unread; ``0`` or absent: all) and ``event`` (one event's value)."""

    unread = django_filters.TypedChoiceFilter(
        choices=[("1", _("Unread")), ("0", _("All"))],
        method="filter_unread",
        label=_("Unread only"),
        widget=forms.Select,
    )
    event = django_filters.ChoiceFilter(choices=NotificationEvent.choices, label=_("Event"))

    class Meta:
        model = Notification
        fields = ["unread", "event"]

    def filter_unread(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(read_at__isnull=True) if value == "1" else queryset
