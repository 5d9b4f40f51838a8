"""Pages under /notifikasi/ (mounted by config/urls.py). The API list is
``/api/v1/notifications/`` (``api.NotificationViewSet``, registered on the project's router)."""

from django.urls import path

from lindung.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/baca/", views.mark_read, name="read"),
    path("baca-semua/", views.mark_all_read, name="read-all"),
    path("preferensi/", views.preferences, name="preferences"),
]
