from django.urls import path

from lindung.core.converters import register_choice_converter
from lindung.registry import views

register_choice_converter("export_format", "csv", "xlsx")

app_name = "registry"

urlpatterns = [
    path("", views.index, name="index"),
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
