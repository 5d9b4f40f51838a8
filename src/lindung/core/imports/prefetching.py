"""An importer that looks things up a chunk at a time (``PrefetchingImporter``): the generic
piece shared by the claims and enrolment-confirmation importers of programmes."""

from __future__ import annotations

from typing import Any

from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import (
    Importer,
    Progress,
    Rejected,
    commit_chunk,
    duplicate,
    parse_checked,
    rejection,
)
from lindung.core.imports.reader import Table
from lindung.core.models import ImportJob


class PrefetchingImporter(Importer):
    """The pipeline's row loop, with one ``prefetch`` per chunk before its rows are parsed, so
    look-ups that ``parse`` needs (persons, enrolments, KPJs) are one query per chunk instead of
    one per row. ``parse`` stays correct on its own (it queries what was not prefetched), so both
    paths give the same rows, rejections and counters."""

    def prefetch(self, raws: list[dict[str, str]]) -> None:
        raise NotImplementedError

    def bulk_enabled(self) -> bool:
        return True

    def run_bulk(
        self, job: ImportJob, table: Table, mapping: dict[str, int], progress: Progress
    ) -> None:
        seen: dict[str, int] = {}
        batch: list[tuple[int, dict[str, str]]] = []
        index = 0
        for line, values in table.rows:
            raw = {n: (values[i].strip() if i < len(values) else "") for n, i in mapping.items()}
            batch.append((line, raw))
            if len(batch) == self.chunk_size:
                self._chunk(job, index, batch, seen, progress)
                index, batch = index + 1, []
        if batch:
            self._chunk(job, index, batch, seen, progress)

    def _chunk(
        self,
        job: ImportJob,
        index: int,
        batch: list[tuple[int, dict[str, str]]],
        seen: dict[str, int],
        progress: Progress,
    ) -> None:
        # Committed chunks are parsed again too: later chunks' duplicate checks need their keys.
        self.prefetch([raw for _line, raw in batch])
        good: list[tuple[int, dict[str, Any]]] = []
        rejected: list[Rejected] = []
        for line, raw in batch:
            self.line = line
            try:
                row = parse_checked(self.parse, raw)
            except CellError as exc:
                rejected.append(rejection(self, line, raw, exc))
                continue
            key = self.key(row)
            first = seen.setdefault(key, line)
            if first != line:
                rejected.append(duplicate(line, self.report_key(key), first))
            else:
                good.append((line, row))
        commit_chunk(self, job, index, good, rejected, len(batch), progress)
