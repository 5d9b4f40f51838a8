from django.contrib.auth import views as auth_views
from django.urls import path

from lindung.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", views.profile, name="profile"),
    path("akun/token/", views.issue_token, name="issue-token"),
    path("akun/token/cabut/", views.revoke_token, name="revoke-token"),
    path("akun/kunci-masuk/", views.lockouts, name="lockouts"),
    path("akun/kunci-masuk/buka/", views.unlock, name="unlock"),
]
