"""The branch's side, under ``/pendaftaran/cabang/``: the worklist of its area's requests, an
officer's check and a withdrawal, and the registration file for the branch. The branch's answer
file comes back through the import page (kind ``registration_confirmations``)."""

from django.urls import path

from lindung.registrations.views import branch

urlpatterns = [
    path("", branch.worklist, name="branch"),
    path("<int:pk>/periksa/", branch.check, name="branch-check"),
    path("<int:pk>/tarik/", branch.withdraw, name="branch-withdraw"),
    path("berkas/<str:fmt>/", branch.registration_file, name="branch-file"),
]
