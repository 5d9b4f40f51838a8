from __future__ import annotations

import csv
from typing import TextIO

from lindung.core.models import ImportJob
from lindung.core.spreadsheets import safe_cell

REPORT_HEADER = ["line", "column", "value", "reason"]


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
