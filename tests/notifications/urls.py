"""The project's URLs plus the notifications API at its path, for this app's tests until the
project's router registers it (``router.register("notifications", …)``, /tmp request)."""

from django.urls import path

from lindung.config.urls import urlpatterns as project_urlpatterns
from lindung.notifications.api import NotificationViewSet

urlpatterns = [
    path(
        "api/v1/notifications/",
        NotificationViewSet.as_view({"get": "list"}),
        name="notification-api",
    ),
    *project_urlpatterns,
]
