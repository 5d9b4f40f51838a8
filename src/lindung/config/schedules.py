"""Every schedule of Lindung, in one place (docs/operations.md "Schedules"); the worker fires
them (core.jobs.schedules). Times are in the server's time zone (TIME_ZONE, Asia/Jakarta)."""

from __future__ import annotations

from django.conf import settings

from lindung.core.jobs.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="month-close",
        cron="15 0 1 * *",
        work="lindung.coverage.jobs.close_month",
        label="Penutupan bulan cakupan / coverage month close",
    ),
    Schedule(
        name="monthly-coverage-report",
        cron="0 6 1 * *",
        work="lindung.coverage.jobs.monthly_reports",
        label="Laporan cakupan bulanan ke pelanggan / monthly coverage report to subscribers",
    ),
    Schedule(
        name="monthly-bills",
        cron="0 1 1 * *",
        work="lindung.contributions.jobs.monthly_bills",
        label="Tagihan bulanan pemberi kerja / monthly employer bills",
    ),
    Schedule(
        name="nightly-compliance",
        cron=settings.LINDUNG_COMPLIANCE_CRON,
        work="lindung.compliance.jobs.nightly_checks",
        label="Pemeriksaan kepatuhan malam / nightly compliance checks",
    ),
    Schedule(
        name="overdue-case-steps",
        cron="0 7 * * *",
        work="lindung.compliance.jobs.overdue_steps",
        label="Langkah kasus yang lewat tenggat / overdue compliance case steps",
    ),
    Schedule(
        name="funding-ending",
        cron="30 7 * * *",
        work="lindung.programmes.jobs.funding_ending",
        label="Pendanaan program yang segera berakhir / programme funding ending soon",
    ),
    Schedule(
        name="funding-handoff",
        cron="35 7 * * *",
        work="lindung.registrations.continuation.offer_handoffs",
        label="Tawaran lanjutan saat pendanaan berakhir / hand-off when funding ends",
    ),
    Schedule(
        name="public-workers-reconcile",
        cron="30 2 * * *",
        work="lindung.publicworkers.jobs.nightly",
        label="Rekonsiliasi pekerja sektor publik dan desa / public-sector worker reconciliation",
    ),
    Schedule(
        name="payments-due",
        cron="45 7 * * *",
        work="lindung.programmes.jobs.payments_due",
        label="Tagihan program jatuh tempo / programme payments due",
    ),
    Schedule(
        name="purge-uploads",
        cron="30 3 * * *",
        work="lindung.core.imports.jobs.purge_uploads",
        label="Hapus unggahan kedaluwarsa / purge expired uploads",
    ),
    Schedule(
        name="purge-job-files",
        cron="10 * * * *",
        work="lindung.core.jobs.files.purge",
        label="Hapus berkas tugas kedaluwarsa / purge expired job files",
    ),
]
