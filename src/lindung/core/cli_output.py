"""Shared output for management commands: a rich table or one JSON object, and reject reports."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

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
