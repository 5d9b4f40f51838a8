from django.urls import path

from lindung.sponsorship import api, views

app_name = "sponsorship"

urlpatterns = [
    path("", views.home, name="home"),
    path("janji/baru/", views.pledge_create, name="pledge-create"),
    path("janji/<int:pk>/", views.pledge_detail, name="pledge"),
    path("janji/<int:pk>/dampak/", views.impact, name="impact"),
    path("janji/<int:pk>/sertifikat.pdf", views.certificate, name="certificate"),
    path("wilayah/", views.overview, name="overview"),
    path("pencocokan/", views.match_list, name="matches"),
    path("pencocokan/<int:pk>/", views.match_detail, name="match"),
    path("pencocokan/<int:pk>/keputusan/", views.match_decide, name="match-decide"),
    path("api/janji/", api.PledgeList.as_view(), name="api-pledges"),
]
