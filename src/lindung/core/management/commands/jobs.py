"""lindung jobs list|show|retry|cancel|schedule [--format json]"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from lindung.core.i18n import bilingual
from lindung.core.jobs import schedules, services
from lindung.core.models import Job, JobState, ScheduleRun
from lindung.core.numbers import datetime_text
from lindung.core.scope import SYSTEM

FIELDS = ("id", "kind", "label", "state", "percent", "step", "error", "attempts")


def _row(job: Job) -> dict[str, Any]:
    data = {name: getattr(job, name) for name in FIELDS}
    data["created_at"] = job.created_at.isoformat()
    data["finished_at"] = job.finished_at.isoformat() if job.finished_at else None
    data["result"] = job.result
    return data


def _shown(value: Any) -> str:
    """A table cell: moments (ISO text in the data) as ``7 Desember 2026 14.05``, nothing as
    –; ids and small counts as they are (an id is never grouped)."""
    if value is None:
        return "–"
    if isinstance(value, str) and len(value) > 18 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return datetime_text(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


class Command(BaseCommand):
    help = "List, show, retry or cancel background jobs, and list the schedules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "show", "retry", "cancel", "schedule"])
        parser.add_argument("job", nargs="?", type=int, help="job id (show, retry, cancel)")
        parser.add_argument("--state", choices=JobState.values)
        parser.add_argument("--limit", type=int, default=50)
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            jobs = Job.objects.all()
            if options["state"]:
                jobs = jobs.filter(state=options["state"])
            self._emit(options, [_row(j) for j in jobs[: max(1, options["limit"])]])
        elif action == "schedule":
            self._emit(options, self._schedules())
        else:
            job = self._job(options)
            if action == "retry":
                job = self._write(services.retry, job)
            elif action == "cancel":
                job = self._write(services.cancel, job)
            self._emit(options, [_row(job)])

    def _job(self, options: dict[str, Any]) -> Job:
        if options["job"] is None:
            raise CommandError(bilingual("sebutkan nomor tugas", "give the job id"))
        job = Job.objects.filter(pk=options["job"]).first()
        if job is None:
            raise CommandError(
                bilingual(
                    f"tugas tidak dikenal: {options['job']}", f"unknown job: {options['job']}"
                )
            )
        return job

    def _write(self, call: Any, job: Job) -> Job:
        try:
            return call(actor=SYSTEM, job=job)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _schedules(self) -> list[dict[str, Any]]:
        now = timezone.now()
        rows = []
        for s in schedules.declared():
            last = ScheduleRun.objects.filter(name=s.name).order_by("-due_at").first()
            rows.append(
                {
                    "name": s.name,
                    "cron": s.cron,
                    "label": s.label,
                    "work": s.work,
                    "last_due": timezone.localtime(last.due_at).isoformat() if last else None,
                    "next_due": s.next_due(now).isoformat(),
                }
            )
        return rows

    def _emit(self, options: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, default=str) + "\n")
            return
        if not rows:
            self.stdout.write(bilingual("tidak ada", "none") + "\n")
            return
        table = Table()
        columns = [c for c in rows[0] if c not in ("result", "error", "work")]
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*(_shown(row[c]) for c in columns))
        Console(file=self.stdout, width=160).print(table)
