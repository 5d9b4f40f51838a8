"""Pages under /kepatuhan/ and the compliance API under /kepatuhan/api/ (the project router in
config/urls.py may mount ``api_urls`` under /api/v1/ as well)."""

from django.urls import include, path

from lindung.compliance import views
from lindung.compliance.api_urls import urlpatterns as api_patterns

app_name = "compliance"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("risiko/<int:pk>/", views.subject, name="subject"),
    path("risiko/<int:pk>/buka-kasus/", views.open_case, name="open-case"),
    path("temuan/", views.findings, name="findings"),
    path("usaha/", views.businesses, name="businesses"),
    path("kasus/", views.cases, name="cases"),
    path("kasus/<int:pk>/", views.case_detail, name="case"),
    path("kasus/<int:pk>/langkah/", views.case_move, name="case-move"),
    path("kasus/<int:pk>/petugas/", views.case_assign, name="case-assign"),
    path("kasus/<int:pk>/catatan/", views.case_note, name="case-note"),
    path("kasus/<int:pk>/lampiran/", views.case_attach, name="case-attach"),
    path("kasus/<int:pk>/surat/", views.letter_issue, name="letter-issue"),
    path("surat/<int:pk>.pdf", views.letter_pdf, name="letter-pdf"),
    path("lampiran/<int:pk>/", views.attachment, name="attachment"),
    path("sla/", views.sla, name="sla"),
    path("proses/", views.runs, name="runs"),
    path("templat/", views.templates, name="templates"),
    path("templat/<int:pk>/", views.template_edit, name="template-edit"),
    path("api/", include(api_patterns)),
]
