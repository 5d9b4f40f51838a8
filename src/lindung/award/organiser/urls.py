"""The organiser's pages, the public results and certificates (namespace ``award``)."""

from django.urls import path

from lindung.award.organiser import views

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.edition, name="edition"),
    path("<int:pk>/kriteria/<int:criterion>/bobot/", views.weight, name="weight"),
    path("<int:pk>/peserta/tambah/", views.entry_add, name="entry-add"),
    path("<int:pk>/penugasan/", views.assign, name="assign"),
    path("<int:pk>/tahap/", views.stage, name="stage"),
    path("<int:pk>/indikator/", views.freeze, name="freeze"),
    path("<int:pk>/hitung/", views.compute, name="compute"),
    path("<int:pk>/hitung/<int:number>/", views.run, name="run"),
    path("<int:pk>/hitung/<int:number>/final/", views.finalise, name="finalise"),
    path("<int:pk>/hasil/", views.results, name="results"),
    path("<int:pk>/hasil/<int:result>/sertifikat.pdf", views.certificate, name="certificate"),
]
