from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lindung.core.imports.kinds import choices, importer_for
from lindung.core.imports.pipeline import run_import
from lindung.core.imports.reports import write_reject_report
from lindung.core.loading import LoadError
from lindung.core.middleware import request_id_bound


class Command(BaseCommand):
    help = "Import a BPJS extract: `lindung import participants|employers FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[kind for kind, _ in choices()])
        parser.add_argument("file", type=Path)
        parser.add_argument("--reject-report", type=Path)
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--chunk-size", type=int, help="rows per transaction")

    def handle(self, *args, **options) -> None:
        with request_id_bound():
            self._handle(options)

    def _handle(self, options) -> None:
        importer = importer_for(options["kind"])
        if options["chunk_size"]:
            importer.chunk_size = options["chunk_size"]
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"berkas tidak ada / file not found: {path}")
        console = Console(stderr=True)
        quiet = options["format"] == "json" or not console.is_terminal
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=quiet,
        ) as bar:
            task = bar.add_task(f"impor {options['kind']}", total=None)
            try:
                job = run_import(
                    importer,
                    path,
                    progress=lambda n: bar.advance(task, n),
                    on_total=lambda total: bar.update(task, total=total),
                )
            except LoadError as exc:
                raise CommandError(str(exc)) from exc
        if options["reject_report"]:
            with open(options["reject_report"], "w", newline="", encoding="utf-8") as fh:
                write_reject_report(job, fh)
        result = job.counts() | {"file": path.name, "sha256": job.file_sha256}
        if options["format"] == "json":
            self.stdout.write(json.dumps(result))
        else:
            for key in ("rows_read", "rows_imported", "rows_unchanged", "rows_rejected"):
                self.stdout.write(f"{key:16} {result[key]:>12,}")
