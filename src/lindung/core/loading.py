"""Small building blocks for loading reference files: CSV reading, rejects, set-based upsert.

The full import pipeline for big extracts (staging, chunks, resumable jobs) builds on these.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import models

from lindung.core.i18n import bilingual


class LoadError(Exception):
    """A file that cannot be read at all (missing columns, wrong format)."""


@dataclass(frozen=True)
class Rejection:
    line: int
    column: str
    value: str
    reason: str


@dataclass
class LoadResult:
    source: str
    sha256: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def reject(self, line: int, column: str, value: Any, reason: str) -> None:
        self.rejected.append(Rejection(line, column, "" if value is None else str(value), reason))

    def counts(self) -> dict[str, Any]:
        data = asdict(self)
        data["rejected"] = len(self.rejected)
        return data

    def add(self, counts: SyncCounts) -> None:
        self.created += counts.created
        self.updated += counts.updated
        self.unchanged += counts.unchanged


@dataclass(frozen=True)
class SyncCounts:
    created: int
    updated: int
    unchanged: int


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_csv(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` with stripped values; UTF-8 with or without BOM, any newline."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise LoadError(
                bilingual(
                    f"Kolom wajib tidak ada di {path.name}: {', '.join(missing)}",
                    f"required columns missing from {path.name}: {', '.join(missing)}",
                )
            )
        reader.fieldnames = header
        for record in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in record.items() if k}


def sync_rows(
    model: type[models.Model],
    rows: dict[tuple, dict[str, Any]],
    *,
    key_fields: tuple[str, ...],
    value_fields: tuple[str, ...],
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> SyncCounts:
    """Insert new rows and update changed ones, set-based; rows equal to the database are skipped.

    ``rows`` maps a natural key (values of ``key_fields``) to the values of ``value_fields``
    (attribute names, e.g. ``parent_id``). Running it twice with the same rows changes nothing.
    """
    n_keys = len(key_fields)
    existing: dict[tuple, tuple[Any, tuple]] = {}
    for record in model.objects.values_list("pk", *key_fields, *value_fields).iterator(
        chunk_size=20000
    ):
        existing[tuple(record[1 : 1 + n_keys])] = (record[0], tuple(record[1 + n_keys :]))

    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    unchanged = 0
    for key, values in rows.items():
        ordered = tuple(values[f] for f in value_fields)
        current = existing.get(key)
        if current is None:
            to_create.append(model(**dict(zip(key_fields, key, strict=True)), **values))
        elif current[1] != ordered:
            obj = model(**dict(zip(key_fields, key, strict=True)), **values)
            obj.pk = current[0]
            to_update.append(obj)
        else:
            unchanged += 1

    for start in range(0, len(to_create), batch_size):
        batch = to_create[start : start + batch_size]
        model.objects.bulk_create(batch, batch_size=batch_size)
        if progress:
            progress(len(batch))
    if to_update:
        names = [model._meta.get_field(f).name for f in value_fields]
        for start in range(0, len(to_update), batch_size):
            batch = to_update[start : start + batch_size]
            model.objects.bulk_update(batch, names, batch_size=batch_size)
            if progress:
                progress(len(batch))
    return SyncCounts(created=len(to_create), updated=len(to_update), unchanged=unchanged)
