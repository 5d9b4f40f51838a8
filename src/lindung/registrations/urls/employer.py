"""The employer portal, under ``/pendaftaran/pemberi-kerja/`` (namespace ``registrations``)."""

from django.urls import path

from lindung.registrations.models import ChangeKind
from lindung.registrations.views import employer as views

urlpatterns = [
    path("", views.portal, name="employer"),
    path("<str:npp>/daftar/", views.register, name="employer-register"),
    path("<str:npp>/unggah/", views.upload, name="employer-upload"),
    path(
        "<str:npp>/pekerja/<int:membership_id>/upah/",
        views.change,
        {"kind": ChangeKind.WAGE},
        name="employer-wage",
    ),
    path(
        "<str:npp>/pekerja/<int:membership_id>/keluar/",
        views.change,
        {"kind": ChangeKind.EXIT},
        name="employer-exit",
    ),
    path("berkas/<int:job_id>/", views.worker_file, name="employer-file"),
    path(
        "berkas/<int:job_id>/ditolak.csv", views.worker_file_rejects, name="employer-file-rejects"
    ),
]
