"""What the bulk path needs of the participant importer: the row path it must agree with.

A protocol rather than the class, so that the importer may hand itself to the bulk path
without the two modules importing each other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from lindung.core.imports.pipeline import Column


class ParticipantSource(Protocol):
    """The ``ParticipantImporter`` of one run, after its ``setup``."""

    columns: tuple[Column, ...]
    stage_columns: tuple[tuple[str, str], ...]
    chunk_size: int
    initial_load_min_rows: int
    bulk_timings: dict[str, float]
    bulk_python_rows: int
    # Lookups loaded by ``setup``.
    today: dt.date
    regions: set[str]
    villages: set[str]
    regencies: set[str]
    employers: dict[str, str | None]
    employer_ids: dict[str, int]

    def parse_row(self, raw: dict[str, str]) -> dict[str, Any]: ...

    def key(self, row: dict[str, Any]) -> str: ...

    def report_key(self, key: str) -> str: ...

    def updated_columns(self, columns: tuple[str, ...]) -> list[str]: ...

    def upsert_sql(
        self, table: str, key: tuple[str, ...], columns: tuple[str, ...], select: str
    ) -> str: ...

    def write_bulk_chunk(self, bulk: Any, lo: int, hi: int) -> tuple[int, int]: ...
