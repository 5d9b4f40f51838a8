"""The writes of the import pages: an upload becomes a job that the runner starts, and a download
of a job's reject report is audited. Each checks the actor's capability itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from django.db import transaction

from lindung.core.audit import CoreAudit, record_audit
from lindung.core.imports import kinds, uploads
from lindung.core.imports.cells import printable
from lindung.core.imports.pipeline import start_job
from lindung.core.imports.reports import write_reject_report
from lindung.core.jobs import services as jobs
from lindung.core.models import ImportJob
from lindung.core.permissions import require_capability


def submit_upload(*, actor: Any, kind: str, upload: Any, request_id: str = "") -> ImportJob:
    """Save the uploaded file, claim its job (``LoadError`` when the same file is being imported
    now) and queue it for the worker. The import's own audit row is written when it is done."""
    require_capability(actor, kinds.capability_for(kind))
    path = uploads.save_upload(upload, Path(upload.name).suffix.lower())
    importer = kinds.importer_for(kind)
    try:
        job = start_job(importer, path, actor=actor)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    path = uploads.attach(path, job)
    name = printable(upload.name)[:255]
    if job.file_name != name:
        job.file_name = name
        job.save(update_fields=["file_name"])
    jobs.submit(
        actor=actor,
        kind="import",
        target=f"{kind}:{job.file_sha256}",  # one import per file at a time
        label=name,
        work="lindung.core.imports.jobs.run_upload",
        arguments={
            "import_job": job.pk,
            "kind": kind,
            "path": str(path),
        },
        request_id=request_id,
    )
    return job


@transaction.atomic(durable=True)
def export_reject_report(*, actor: Any, job: ImportJob, out: TextIO) -> int:
    """Write the job's rejected rows to ``out`` and record who downloaded them (they name rows of
    a file, some personal, masked). ``job`` comes from the scoped selector."""
    count = write_reject_report(job, out)
    record_audit(
        actor=actor, action=CoreAudit.IMPORT_REJECT_REPORT, target=job, after={"rows": count}
    )
    return count
