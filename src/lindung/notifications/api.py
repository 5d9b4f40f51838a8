"""``/api/v1/notifications/``: the caller's own notifications, newest first, filtered like the
page (``unread=1``, ``event``). Read-only; marking read goes through the page's POSTs."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from lindung.core.api import CodeCursorPagination
from lindung.core.viewsets import ReadOnlyViewSet
from lindung.notifications.filters import NotificationFilter
from lindung.notifications.models import Notification
from lindung.notifications.selectors import notifications_for


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id", "event", "title", "body", "title_id", "title_en", "body_id", "body_en",
            "context", "url", "target_id", "region_code", "created_at", "read_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_title(self, obj: Notification) -> str:
        """In the request's language."""
        return obj.title()

    def get_body(self, obj: Notification) -> str:
        return obj.body()


class NewestFirst(CodeCursorPagination):
    ordering = "-pk"


@extend_schema(tags=["notifications"])
class NotificationViewSet(ReadOnlyViewSet):
    """My notifications, newest first."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = NewestFirst
    queryset = Notification.objects.none()

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_for(self.request.user).order_by("-pk")
