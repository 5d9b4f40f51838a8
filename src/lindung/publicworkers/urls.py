"""The register's pages, under ``/pekerja-publik/`` (namespace ``publicworkers``)."""

from django.urls import path

from lindung.publicworkers.views import actions, register, reports, rules

app_name = "publicworkers"

urlpatterns = [
    path("", register.index, name="index"),
    path("desa/", actions.open_own_body, name="own-body"),
    path("aturan/", rules.rules, name="rules"),
    path("badan/<int:pk>/", register.body_page, name="body"),
    path("badan/<int:pk>/tambah/", actions.add_worker, name="worker-add"),
    path("badan/<int:pk>/kirim/", actions.send, name="send"),
    path("badan/<int:pk>/rekonsiliasi/", actions.reconcile, name="reconcile"),
    path("badan/<int:pk>/anggaran/", actions.budget, name="budget"),
    # The Inpres 2/2021 monitoring table as a file (views/reports.py).
    path("laporan/<str:fmt>/", reports.monitoring_table, name="report"),
]
