"""Shared output for management commands: a rich table or one JSON object, and reject reports."""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from lindung.core.loading import LoadResult
from lindung.core.numbers import date_text, datetime_text, decimal_text, number_text


def table_cell(value: Any, places: int | None = 2) -> str:
    """A value as a CLI table shows it, through the one formatter: ``1.234.567``, ``87,22``,
    ``7 Desember 2026``; ``None`` is an empty cell, text stays as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number_text(value)
    if isinstance(value, (float, Decimal)):
        return decimal_text(value, places)
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date):
        return date_text(value)
    return str(value)


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
            number_text(r.rows_read),
            number_text(r.created),
            number_text(r.updated),
            number_text(r.unchanged),
            number_text(len(r.rejected)),
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
        of = f" / {number_text(self.total)}" if self.total else ""
        seconds = number_text(time.monotonic() - self._started)
        return f"{self.label}: {number_text(self.done)}{of} baris / rows, {seconds} s"

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
