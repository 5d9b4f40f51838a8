from django.urls import path, register_converter

from lindung.regions import views


class RegionCodeConverter:
    regex = r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegionCodeConverter, "region")

app_name = "regions"

urlpatterns = [
    path("", views.index, name="index"),
    path("<region:code>/", views.detail, name="detail"),
]
