"""Listeners that turn other layers' signals into notifications. ``core`` sits below this app and
cannot call ``notify`` itself, so the job runner sends ``core.jobs.runtime.job_finished`` and this
module, connected in ``NotificationsConfig.ready``, tells the job's owner."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse

from lindung.notifications.events import NotificationEvent
from lindung.notifications.services import deliver_pending, notify

logger = logging.getLogger("lindung.notifications")

# Job states worth telling the owner about (a cancelled job was cancelled by someone on purpose).
EVENT_OF_STATE = {"done": NotificationEvent.JOB_DONE, "failed": NotificationEvent.JOB_FAILED}


def _region(job: Any) -> str:
    for column in ("village_code", "district_code", "regency_code", "province_code"):
        code = getattr(job, column, "")
        if code:
            return code
    return ""


def _url(job: Any) -> str:
    try:
        return reverse("jobs:detail", args=[job.pk])
    except NoReverseMatch:
        return ""


def on_job_finished(sender: Any, job: Any, **kwargs: Any) -> None:
    """Tell the owner of a finished job (done: with the import's counts; failed: the reason),
    once per run, then send the e-mail at once (the worker is not a web request). A failure here
    is logged and never breaks the job runner."""
    event = EVENT_OF_STATE.get(job.state)
    owner = getattr(job, "owner", None)
    if event is None or owner is None:
        return
    result = job.result if isinstance(job.result, dict) else {}
    context = {
        "job_label": job.label or job.kind,
        "finished_at": job.finished_at,
        "rows_imported": result.get("rows_imported"),
        "rows_rejected": result.get("rows_rejected"),
        "reason": job.error,
    }
    try:
        notify(
            event=event,
            recipients=[owner],
            context=context,
            target=job,
            region_code=_region(job),
            dedupe_key=f"job:{job.pk}:{job.attempts}:{job.state}",
            url=_url(job),
        )
        transaction.on_commit(deliver_pending)
    except Exception:
        logger.exception("notifying the owner of job %s failed", job.pk)
