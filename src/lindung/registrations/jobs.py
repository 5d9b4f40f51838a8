"""Registration work for the worker: a large registration file for the branch officer who asked
for it (``handoff.hand_off`` above ``LINDUNG_REGISTRATION_FILE_INLINE_ROWS`` rows)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation

from lindung.core.jobs.files import file_result, output_path
from lindung.core.jobs.runtime import JobFailed, job_actor
from lindung.registrations import handoff


def registration_file(
    *,
    job: Any,
    progress: Any,
    fmt: str,
    filters: dict[str, str],
    reason: str,
    language: str = "id",
) -> dict[str, Any]:
    """The registration file of the owner's area as it stands now: its requests become ``sent``
    and the file is written in one transaction (audited per request with ``reason``). A file
    whose transaction did not commit is deleted, so no file of unsent requests stays behind."""
    path = output_path(job, handoff.filename(fmt))
    progress(5, fmt.upper())
    try:
        with translation.override(language), path.open("wb") as out:
            rows = handoff.export_file(
                actor=job_actor(job), fmt=fmt, data=filters, reason=reason, out=out
            )
    except ValidationError as exc:
        path.unlink(missing_ok=True)
        raise JobFailed(" ".join(exc.messages)) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if not rows:
        path.unlink(missing_ok=True)
        raise JobFailed(str(handoff.nothing_to_send().messages[0]))
    return file_result(job, path, content_type=handoff.CONTENT_TYPES[fmt], rows=rows)
