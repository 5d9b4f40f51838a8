from django.urls import path

from lindung.core.converters import register_choice_converter
from lindung.coverage import views

register_choice_converter("report_format", "pdf", "xlsx")

app_name = "coverage"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.public_dashboard, name="public"),
    path("<str:code>/laporan.<report_format:fmt>", views.public_report, name="public-report"),
    path("rinci/<str:code>/", views.internal_dashboard, name="internal"),
    path(
        "rinci/<str:code>/laporan.<report_format:fmt>",
        views.internal_report,
        name="internal-report",
    ),
    path("rinci/<str:code>/angka-publikasi/", views.add_point, name="point-add"),
]
