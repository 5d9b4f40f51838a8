from django.urls import path

from lindung.core.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("unggah/", views.upload, name="upload"),
    path("<int:job_id>/", views.detail, name="detail"),
    path("<int:job_id>/status/", views.status, name="status"),
    path("<int:job_id>/ditolak.csv", views.rejects, name="rejects"),
]
