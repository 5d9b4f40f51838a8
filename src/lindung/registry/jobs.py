"""Registry work for the worker: a large export written to a file for the one who asked."""

from __future__ import annotations

from typing import Any

from lindung.core.jobs.files import file_result, output_path
from lindung.core.jobs.runtime import job_actor
from lindung.registry import exports


def export(
    *, job: Any, progress: Any, kind: str, fmt: str, filters: dict[str, str], language: str
) -> dict[str, Any]:
    """The export of ``kind`` over the owner's scope as it stands now, filtered as asked (the
    audit row was written when it was queued)."""
    prepared = exports.prepare(actor=job_actor(job), kind=kind, data=filters)
    path = output_path(job, exports.filename(kind, fmt))
    progress(5, kind)
    rows = exports.write_file(prepared, fmt, path, language)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else exports.XLSX
    return file_result(job, path, content_type=content_type, rows=rows)
