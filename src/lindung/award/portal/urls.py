"""/penghargaan/: the portal of entrants (questionnaire, evidence, submission), verifiers
(verdicts) and jurors (scores, conflicts of interest). Names live in the ``award`` namespace
(``award.urls`` joins these with the organiser's pages)."""

from django.urls import path

from lindung.award.portal import views

urlpatterns = [
    path("entri/<int:pk>/", views.entry, name="entry"),
    path("entri/<int:pk>/jawab/", views.answer, name="answer"),
    path("entri/<int:pk>/kirim/", views.submit, name="submit"),
    path("entri/<int:pk>/nilai/", views.score, name="score"),
    path("jawaban/<int:pk>/bukti/", views.evidence, name="evidence"),
    path("jawaban/<int:pk>/verifikasi/", views.verify, name="verify"),
    path("bukti/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("penugasan/<int:pk>/konflik/", views.conflict, name="conflict"),
    path("verifikasi/", views.verifications, name="verifications"),
    path("juri/", views.jury, name="jury"),
]
