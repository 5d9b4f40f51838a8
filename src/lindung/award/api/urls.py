"""Routes of the award API, included by config/urls.py under /api/v1/award/ inside the ``api``
namespace (names ``api:award-entries``, ``api:award-results``)."""

from django.urls import path

from lindung.award.api import views

urlpatterns = [
    path("entries/", views.EntryList.as_view(), name="award-entries"),
    path("editions/<int:pk>/results/", views.EditionResults.as_view(), name="award-results"),
]
