"""Pages under /kepatuhan/. The compliance API lives under /api/v1/compliance/ (``api.urls``,
mounted by config/urls.py); its old paths under /kepatuhan/api/ answer a permanent redirect."""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import path, re_path, reverse

from lindung.compliance import views

app_name = "compliance"


def api_moved(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    """/kepatuhan/api/<rest> → /api/v1/compliance/<rest> with the same query string; 308, so a
    POST stays a POST (a 301 may turn it into a GET)."""
    base = reverse("compliance_api:sla").removesuffix("sla/")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(
        base + rest + (f"?{query}" if query else ""), preserve_request=True
    )


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
    re_path(r"^api/(?P<rest>.*)$", api_moved, name="api-moved"),
]
