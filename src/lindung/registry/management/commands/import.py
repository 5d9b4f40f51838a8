from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lindung.core.cli_output import ProgressLines
from lindung.core.imports.kinds import choices, importer_for
from lindung.core.imports.pipeline import run_import
from lindung.core.imports.reports import write_reject_report
from lindung.core.loading import LoadError
from lindung.core.middleware import request_id_bound
from lindung.core.models import ImportJob
from lindung.core.numbers import number_text

FIRST_REJECTS = 5  # reasons printed after a run; the full list is the reject report

Callbacks = tuple[Callable[[int], None], Callable[[int | None], None]]


class Command(BaseCommand):
    help = "Import a BPJS extract: `lindung import participants|employers FILE`."
    progress_every = 10.0  # seconds between progress lines when stderr is no terminal

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
        live = options["format"] != "json" and console.is_terminal
        label = f"impor / import {options['kind']}"
        with self._progress(label, console if live else None) as (progress, on_total):
            try:
                job = run_import(importer, path, progress=progress, on_total=on_total)
            except LoadError as exc:
                raise CommandError(str(exc)) from exc
        if options["reject_report"]:
            with open(options["reject_report"], "w", newline="", encoding="utf-8") as fh:
                write_reject_report(job, fh)
        result = job.counts() | {"file": path.name, "sha256": job.file_sha256}
        if options["format"] == "json":
            self.stdout.write(json.dumps(result))
            self._rejects(job, options["reject_report"], self.stderr)  # stdout: one JSON object
        else:
            for key in ("rows_read", "rows_imported", "rows_unchanged", "rows_rejected"):
                self.stdout.write(f"{key:16} {number_text(result[key]):>12}")
            self._rejects(job, options["reject_report"], self.stdout)

    @contextmanager
    def _progress(self, label: str, console: Console | None) -> Iterator[Callbacks]:
        """A live bar on a terminal; elsewhere a plain line on stderr every ``progress_every``
        seconds, so that a long run never looks hung."""
        if console is None:
            with ProgressLines(label, self.stderr, every=self.progress_every) as lines:
                yield lines.advance, lines.set_total
            return
        columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(TextColumn("[bold]{task.description}"), *columns, console=console) as bar:
            task = bar.add_task(label, total=None)
            yield (lambda n: bar.advance(task, n)), (lambda t: bar.update(task, total=t))

    def _rejects(self, job: ImportJob, report: Path | None, out: OutputWrapper) -> None:
        """The first rejected rows with their reasons, and where the full list is."""
        if not job.rows_rejected:
            return
        first = list(job.rejections.order_by("line", "id")[:FIRST_REJECTS])
        out.write(
            f"ditolak / rejected: {number_text(job.rows_rejected)} baris / rows"
            + (f"; {len(first)} pertama / first {len(first)}:" if first else "")
        )
        for r in first:
            out.write(f"  baris / line {r.line}, kolom / column {r.column or '-'}: {r.reason}")
        if report:
            out.write(f"laporan lengkap / full report: {report}")
        else:
            out.write(
                "laporan lengkap / full report: ulangi dengan / run again with "
                "--reject-report FILE.csv"
            )
