"""Coverage work for the worker: the month close, the refresh after an import, an officer's
report file, and the monthly report e-mailed to subscribed officers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from lindung.core.i18n import bilingual
from lindung.core.jobs.files import file_result, output_path
from lindung.core.jobs.runtime import JobFailed, job_actor
from lindung.core.months import add_months, month_end
from lindung.coverage import dashboard, reports, selectors, services
from lindung.notifications.events import NotificationEvent
from lindung.notifications.selectors import opted_in
from lindung.notifications.services import notify
from lindung.regions.models import Region

CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": reports.XLSX}


def close_month(*, job: Any, progress: Any, due: str) -> dict[str, Any]:
    """Recompute the facts of the month that has just ended, from the registry as it stands at
    the close, so the month's figures are final (later imports still mark it stale)."""
    day = dt.datetime.fromisoformat(due).date()
    ended = month_end(add_months(day.replace(day=1), -1))
    progress(10, f"{ended:%m/%Y}")
    done = services.refresh(months=[ended], force=True)
    return {"month": ended.isoformat(), "covered": done[0].covered if done else 0}


def refresh_after_import(*, job: Any, progress: Any, since: str) -> dict[str, Any]:
    """The months an import touched, recomputed (only those: docs/ARCHITECTURE.md "Coverage")."""
    months = services.refresh_after_import(dt.datetime.fromisoformat(since), actor=job.owner)
    return {"months": months}


def _report_bytes(actor: Any, code: str, options: Any, fmt: str) -> bytes:
    context = dashboard.build(actor, code, options, url_name="coverage:internal")
    return reports.pdf_bytes(context) if fmt == "pdf" else reports.xlsx_bytes(context)


def report(
    *, job: Any, progress: Any, code: str, fmt: str, query: dict[str, str], language: str
) -> dict[str, Any]:
    """The internal report its owner asked for, as the dashboard showed it (scope rechecked)."""
    actor = job_actor(job)
    with translation.override(language):
        options = dashboard.parse_options(query, public=False)
        progress(10, code)
        try:
            body = _report_bytes(actor, code, options, fmt)
        except selectors.CoverageNotVisible:
            raise JobFailed(
                bilingual("wilayah di luar cakupan Anda", "region outside your area")
            ) from None
    path = output_path(job, f"cakupan-{code}-{options.day.isoformat()}-rinci.{fmt}")
    path.write_bytes(body)
    return file_result(job, path, content_type=CONTENT_TYPES[fmt])


def monthly_reports(*, job: Any, progress: Any, due: str) -> dict[str, Any]:
    """E-mail the month just ended's coverage report (PDF, in Indonesian) to every officer who
    subscribed, each with their own region only: one PDF per region, rendered as one of its
    subscribers sees it. Once per officer and month (a rerun tells nobody again)."""
    day = dt.datetime.fromisoformat(due).date()
    ended = month_end(add_months(day.replace(day=1), -1))
    staff = get_user_model().objects.filter(is_active=True).order_by("pk")
    by_region: dict[str, list[Any]] = {}
    for user in opted_in(staff, NotificationEvent.COVERAGE_MONTHLY_REPORT):
        code = selectors.home_region(user)
        if code and selectors.internal_region_allowed(user, code):
            by_region.setdefault(code, []).append(user)
    told = 0
    options = dashboard.Options(
        day=ended, denominator=None, public=False, months=tuple(dashboard.available_months())
    )
    for number, (code, users) in enumerate(sorted(by_region.items()), start=1):
        progress(number * 100 / (len(by_region) + 1), code)
        with translation.override("id"):
            pdf = _report_bytes(users[0], code, options, "pdf")
        region = Region.objects.get(code=code)
        with transaction.atomic():
            told += len(
                notify(
                    event=NotificationEvent.COVERAGE_MONTHLY_REPORT,
                    recipients=users,
                    context={"region": region.name, "month": f"{ended:%m/%Y}"},
                    target=region,
                    region_code=code,
                    dedupe_key=f"coverage-report:{code}:{ended:%Y-%m}",
                    url=reverse("coverage:internal", args=[code]) + f"?tanggal={ended:%Y-%m-%d}",
                    attachments=[(f"cakupan-{code}-{ended:%Y-%m}.pdf", pdf, CONTENT_TYPES["pdf"])],
                )
            )
    return {"month": ended.isoformat(), "regions": len(by_region), "notified": told}
