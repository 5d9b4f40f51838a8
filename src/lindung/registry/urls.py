from django.urls import path, register_converter

from lindung.registry import views


class ExportFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormatConverter, "export_format")

app_name = "registry"

urlpatterns = [
    path("pemberi-kerja/", views.employer_list, name="employer-list"),
    path(
        "pemberi-kerja/ekspor.<export_format:fmt>",
        views.export,
        {"kind": "employers"},
        name="employer-export",
    ),
    path("pemberi-kerja/<str:npp>/", views.employer_detail, name="employer-detail"),
    path("orang/", views.person_list, name="person-list"),
    path(
        "orang/ekspor.<export_format:fmt>",
        views.export,
        {"kind": "persons"},
        name="person-export",
    ),
    path("orang/<int:pk>/", views.person_detail, name="person-detail"),
    path("kepesertaan/", views.membership_list, name="membership-list"),
    path(
        "kepesertaan/ekspor.<export_format:fmt>",
        views.export,
        {"kind": "memberships"},
        name="membership-export",
    ),
]
