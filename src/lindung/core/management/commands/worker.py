from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.core.jobs.worker import run_worker


class Command(BaseCommand):
    help = (
        "Run the background worker: jobs (imports, checks, matchings…), the schedules, and the "
        "recovery of jobs a killed worker left. Run one or more beside `lindung serve`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--batch", action="store_true", help="exit when no job is waiting (tests, cron)"
        )
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        run_worker(
            interval=max(0.05, options["interval"]),
            batch=options["batch"],
            max_tasks=options["max_tasks"],
        )
