"""Shared output for management commands: a rich table or one JSON object, and reject reports."""

from __future__ import annotations

import csv
import json
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from lindung.core.loading import LoadResult


def print_results(results: dict[str, LoadResult], *, fmt: str, stdout) -> None:
    if fmt == "json":
        stdout.write(json.dumps({k: r.counts() for k, r in results.items()}, default=str) + "\n")
        return
    table = Table(title="Lindung")
    for column in ("step", "file", "read", "created", "updated", "unchanged", "rejected"):
        table.add_column(column, justify="left" if column in {"step", "file"} else "right")
    for step, r in results.items():
        table.add_row(
            step,
            r.source,
            f"{r.rows_read:,}",
            f"{r.created:,}",
            f"{r.updated:,}",
            f"{r.unchanged:,}",
            f"{len(r.rejected):,}",
        )
    Console(file=stdout, width=120).print(table)


def write_reject_report(path: Path, results: Iterable[LoadResult]) -> int:
    """CSV of every rejected row: file, line, column, value, reason."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "line", "column", "value", "reason"])
        for result in results:
            for r in result.rejected:
                writer.writerow([result.source, r.line, r.column, r.value, r.reason])
                count += 1
    return count


class ProgressLines:
    """Progress as a plain line every ``every`` seconds, written from a background thread, for
    runs whose stderr is no terminal (a log file, a pipe, ``--format json``): a live bar would
    not show there, and a long import must not look hung. Use as a context manager; ``advance``
    and ``set_total`` have the signatures of the import pipeline's ``progress`` and ``on_total``.
    """

    def __init__(self, label: str, stream: Any, *, every: float = 10.0) -> None:
        self.label, self.stream, self.every = label, stream, every
        self.done, self.total = 0, None
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="progress-lines", daemon=True)

    def advance(self, n: int) -> None:
        self.done += n

    def set_total(self, total: int | None) -> None:
        self.total = total

    def line(self) -> str:
        of = f" / {self.total:,}" if self.total else ""
        seconds = time.monotonic() - self._started
        return f"{self.label}: {self.done:,}{of} baris / rows, {seconds:.0f} s"

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def __enter__(self) -> ProgressLines:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
