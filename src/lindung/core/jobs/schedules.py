"""Schedules: declared in one place (``lindung.config.schedules``, the top layer, which may name
every app's work), fired by the worker. A firing is a row (``ScheduleRun``) unique per schedule
and due time, so each runs once however many workers there are; a missed firing (no worker at
the time) runs once when a worker is back, not once per missed period."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from croniter import croniter
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lindung.core.jobs.services import JobBusy, submit
from lindung.core.models import ScheduleRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str  # five fields, in the server's time zone (TIME_ZONE)
    work: str  # dotted path of the job function
    label: str
    arguments: dict[str, Any] = field(default_factory=dict)

    def last_due(self, now: dt.datetime) -> dt.datetime:
        local = timezone.localtime(now)
        return croniter(self.cron, local).get_prev(dt.datetime)

    def next_due(self, now: dt.datetime) -> dt.datetime:
        return croniter(self.cron, timezone.localtime(now)).get_next(dt.datetime)


def declared() -> list[Schedule]:
    """The schedules of ``settings.LINDUNG_SCHEDULES`` (a dotted path to a list)."""
    return list(import_string(settings.LINDUNG_SCHEDULES))


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Fire every schedule whose latest due time has no firing yet; returns their names.
    A schedule seen for the first time starts counting from now (no backfill on install)."""
    now = now or timezone.now()
    fired = []
    for schedule in declared():
        due = schedule.last_due(now)
        runs = ScheduleRun.objects.filter(name=schedule.name)
        if not runs.exists():
            ScheduleRun.objects.get_or_create(name=schedule.name, due_at=due)
            continue
        if runs.filter(due_at__gte=due).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduleRun.objects.create(name=schedule.name, due_at=due)
        except IntegrityError:
            continue  # another worker fired it
        try:
            job = submit(
                actor=None,
                kind=f"schedule.{schedule.name}",
                target=f"{due:%Y-%m-%dT%H:%M}",
                label=schedule.label,
                work=schedule.work,
                arguments={**schedule.arguments, "due": due.isoformat()},
            )
        except JobBusy:
            log.warning("schedule %s: its previous run is still going", schedule.name)
            continue
        ScheduleRun.objects.filter(pk=run.pk).update(job=job)
        fired.append(schedule.name)
    return fired
