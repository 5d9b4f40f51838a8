"""Compliance work for the worker: the nightly checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse

from lindung.accounts.selectors import staff_of
from lindung.compliance.models import OPEN_STEPS, Case
from lindung.compliance.services import run_checks
from lindung.core.jobs.runtime import job_actor
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.notifications.events import NotificationEvent
from lindung.notifications.services import notify


def checks(*, job: Any, progress: Any, region: str, **_: Any) -> dict[str, Any]:
    """The checks an officer started from the runs page, as that officer."""
    run = run_checks(actor=job_actor(job), region=region, progress=progress)
    return {"run": run.pk, "counts": run.counts, "url": reverse("compliance:runs")}


def nightly_checks(*, job: Any, progress: Any, due: str, region: str = "") -> dict[str, Any]:
    """Every check over ``region`` (the whole database when empty), as of the schedule's day."""
    day = dt.datetime.fromisoformat(due).date()
    progress(5, region or "semua wilayah / all regions")
    run = run_checks(actor=SYSTEM, region=region, as_of=day)
    return {"run": run.pk, "counts": run.counts}


def overdue_steps(*, job: Any, progress: Any, due: str) -> dict[str, Any]:
    """Tell the inspector of every open case past its step's deadline, and the employer's own
    portal users, once per case step (a daily schedule: the dedupe key holds the step and its
    deadline, so the next day's run tells nobody again)."""
    today = dt.datetime.fromisoformat(due).date()
    cases = Case.objects.filter(step__in=OPEN_STEPS, due_date__lt=today).select_related(
        "employer", "assignee"
    )
    told = checked = 0
    for case in cases.order_by("pk").iterator():
        checked += 1
        recipients = [case.assignee] if case.assignee_id else []
        if case.employer is not None and case.employer.owner_id is not None:
            recipients += list(staff_of(case.employer.owner_id, Role.EMPLOYER))
        region = case.village_code or case.district_code or case.regency_code
        with transaction.atomic():
            told += len(
                notify(
                    event=NotificationEvent.CASE_OVERDUE,
                    recipients=recipients,
                    context={
                        "case_label": str(case),
                        "step": str(case.get_step_display()),
                        "due_date": case.due_date,
                        "days_overdue": (today - case.due_date).days,
                    },
                    target=case,
                    region_code=region or case.province_code,
                    dedupe_key=f"case:{case.pk}:{case.step}:{case.due_date:%Y-%m-%d}",
                    url=reverse("compliance:case", args=[case.pk]),
                )
            )
    return {"cases": checked, "notified": told}
