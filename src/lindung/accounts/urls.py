from django.contrib.auth import views as auth_views
from django.urls import path

from lindung.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", views.profile, name="profile"),
    path("akun/token/", views.issue_token, name="issue-token"),
]
