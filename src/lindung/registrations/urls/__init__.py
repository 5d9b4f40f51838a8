"""The registration pages: public self-registration and status, the employer portal, and the
branch's side (each a module of its own)."""

from django.urls import include, path

from lindung.registrations.views.funnel import funnel_page
from lindung.registrations.views.handoff import choose, handoffs

app_name = "registrations"

urlpatterns = [
    path("", include("lindung.registrations.urls.public")),
    path("pemberi-kerja/", include("lindung.registrations.urls.employer")),
    path("cabang/", include("lindung.registrations.urls.branch")),
    path("corong/", funnel_page, name="funnel"),
    path("lanjutan/", handoffs, name="handoffs"),
    path("lanjutan/<int:pk>/pilih/", choose, name="handoff-choose"),
]
