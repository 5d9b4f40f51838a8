from django.urls import path

from lindung.core.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/status/", views.job_status, name="status"),
    path("<int:pk>/batalkan/", views.job_cancel, name="cancel"),
    path("<int:pk>/ulangi/", views.job_retry, name="retry"),
    path("<int:pk>/unduh/", views.job_download, name="download"),
]
