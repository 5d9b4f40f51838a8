from django.urls import path

from lindung.contributions import views

app_name = "contributions"

urlpatterns = [
    path("", views.simulator, name="simulator"),
]
