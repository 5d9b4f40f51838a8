from __future__ import annotations

import csv
from typing import TextIO

from django.http import HttpResponse

from lindung.core.models import ImportJob
from lindung.core.spreadsheets import safe_cell

REPORT_HEADER = ["line", "column", "value", "reason"]
# A downloaded report starts with a byte-order mark: without one, Excel reads UTF-8 in the
# machine's code page and garbles every accented name and "—" of the reasons.
DOWNLOAD_ENCODING = "utf-8-sig"


def write_reject_report(job: ImportJob, out: TextIO) -> int:
    """Every rejected row of the job as CSV (values already masked where personal); a value
    such as ``=1+1`` is written so that no spreadsheet runs it as a formula."""
    writer = csv.writer(out)
    writer.writerow(REPORT_HEADER)
    count = 0
    for r in job.rejections.order_by("line", "id").iterator():
        writer.writerow([safe_cell(v) for v in (r.line, r.column, r.value, r.reason)])
        count += 1
    return count


def reject_report_download(text: str, job: ImportJob) -> HttpResponse:
    """The report ``text`` as a CSV download, UTF-8 with a byte-order mark (for Excel)."""
    response = HttpResponse(text.encode(DOWNLOAD_ENCODING), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ditolak-{job.pk}.csv"'
    return response
