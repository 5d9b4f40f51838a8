from django.urls import path  # noqa: F401 - pages are added with the registry views

app_name = "registry"

urlpatterns: list = []
