"""What every CSV/XLSX the platform writes shares: cells that cannot run as formulas, and a
line-returning "file" for ``csv.writer`` inside a generator (streamed downloads)."""

from __future__ import annotations

from typing import Any


def safe_cell(value: Any) -> Any:
    """Text starting with = + - @ would run as a formula in a spreadsheet (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class LineEcho:
    """A write-only "file" whose write returns the line, for csv.writer inside a generator."""

    def write(self, value: str) -> str:
        return value
