from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lindung.core.imports.pipeline import Importer, run_import
from lindung.core.loading import LoadError
from lindung.core.middleware import request_id_bound
from lindung.core.models import ImportJob
from lindung.registry.importers import EmployerImporter, ParticipantImporter

IMPORTERS: dict[str, type[Importer]] = {
    "participants": ParticipantImporter,
    "employers": EmployerImporter,
}


def write_reject_report(job: ImportJob, path: Path) -> int:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "column", "value", "reason"])
        count = 0
        for r in job.rejections.order_by("line", "id").iterator():
            writer.writerow([r.line, r.column, r.value, r.reason])
            count += 1
    return count


class Command(BaseCommand):
    help = "Import a BPJS extract: `lindung import participants|employers FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--reject-report", type=Path)
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--chunk-size", type=int, help="rows per transaction")

    def handle(self, *args, **options) -> None:
        with request_id_bound():
            self._handle(options)

    def _handle(self, options) -> None:
        importer = IMPORTERS[options["kind"]]()
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
            write_reject_report(job, options["reject_report"])
        result = job.counts() | {"file": path.name, "sha256": job.file_sha256}
        if options["format"] == "json":
            self.stdout.write(json.dumps(result))
        else:
            for key in ("rows_read", "rows_imported", "rows_unchanged", "rows_rejected"):
                self.stdout.write(f"{key:16} {result[key]:>12,}")
