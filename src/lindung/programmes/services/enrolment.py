"""Enrolment of an approved beneficiary list at the BPJS branch (docs/domain.md §5.4 step 1): the
by-name-by-NIK file the funder sends the branch, streamed from one query
(``write_enrolment_file``), and its audited download (``export_enrolment_file``). The branch's
answer comes back through ``importers.confirmations``."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, Literal

from django.db import transaction
from openpyxl import Workbook

from lindung.core.audit import record_audit
from lindung.core.months import add_months
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.core.spreadsheets import LineEcho, safe_cell
from lindung.programmes.audit import ProgrammesAudit
from lindung.programmes.models import Enrolment, Programme

# Columns of the file to the branch, in order (docs/data-formats.md).
ENROLMENT_COLUMNS = (
    "kode_program", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "pekerjaan",
    "program", "penghasilan", "iuran_bulanan", "bulan_mulai", "jumlah_bulan",
)  # fmt: skip
SEX_LETTERS = {"M": "L", "F": "P"}  # laki-laki / perempuan, as Indonesian forms write it
CHUNK_SIZE = 2000


def funded_end(programme: Programme) -> dt.date:
    """First day after the funded period: a membership paid by the programme ends here."""
    return add_months(programme.start_month, programme.funded_months)


def package_label(programme: Programme) -> str:
    return "+".join(p.upper() for p in ("jkk", "jkm", "jht") if getattr(programme, p))


# --- The file to the branch -------------------------------------------------------------------


def enrolment_rows(
    programme: Programme, *, statuses: Iterable[str] | None = None
) -> Iterator[dict[str, Any]]:
    """One dict per beneficiary (keys ``ENROLMENT_COLUMNS``), ordered by NIK, streamed from one
    query. The NIK is in full: the file goes to the branch, and the caller audits the export.
    ``statuses`` narrows the list, e.g. ``("pending",)`` to resend only unanswered persons."""
    queryset = Enrolment.objects.filter(programme=programme)
    if statuses is not None:
        queryset = queryset.filter(status__in=list(statuses))
    fixed = {
        "program": package_label(programme),
        "penghasilan": programme.declared_income,
        "iuran_bulanan": programme.monthly_premium,
        "bulan_mulai": f"{programme.start_month:%Y-%m}",
        "jumlah_bulan": programme.funded_months,
    }
    values = queryset.order_by("nik").values_list(
        "nik",
        "candidate__name",
        "candidate__sex",
        "candidate__birth_date",
        "candidate__village_id",
        "candidate__occupation",
    )
    for nik, name, sex, birth, village, occupation in values.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "kode_program": programme.pk,
            "nik": nik,
            "nama": name,
            "jenis_kelamin": SEX_LETTERS.get(sex, sex),
            "tanggal_lahir": birth.isoformat(),
            "kode_desa": village,
            "pekerjaan": occupation,
            **fixed,
        }


def write_enrolment_file(
    programme: Programme,
    fmt: Literal["csv", "xlsx"],
    stream: BinaryIO,
    *,
    statuses: Iterable[str] | None = None,
) -> int:
    """Write the enrolment file to a binary ``stream``; returns the number of persons.

    CSV: UTF-8 with BOM (Excel opens it correctly), comma-separated. XLSX: an openpyxl
    write-only workbook, one sheet "peserta"; every identifier (NIK, village code) is a text
    cell so no spreadsheet turns it into a number."""
    rows = enrolment_rows(programme, statuses=statuses)
    count = 0
    if fmt == "csv":
        writer = csv.writer(LineEcho())
        stream.write(("\ufeff" + writer.writerow(ENROLMENT_COLUMNS)).encode("utf-8"))
        for row in rows:
            line = writer.writerow([safe_cell(row[c]) for c in ENROLMENT_COLUMNS])
            stream.write(line.encode("utf-8"))
            count += 1
        return count
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("peserta")
    sheet.append(list(ENROLMENT_COLUMNS))
    for row in rows:
        sheet.append([safe_cell(row[c]) for c in ENROLMENT_COLUMNS])
        count += 1
    workbook.save(stream)
    return count


def export_enrolment_file(
    *, actor: Any, programme: Programme, fmt: Literal["csv", "xlsx"], out: BinaryIO
) -> int:
    """The file for the BPJS branch written to ``out``, audited: it holds full NIKs, so every
    download is recorded. Returns the number of persons."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        rows = write_enrolment_file(programme, fmt, out)
        record_audit(
            actor=actor, action=ProgrammesAudit.ENROLMENT_EXPORT, target=programme,
            region_code=programme.area_id, after={"format": fmt, "rows": rows},
            reason="daftar pendaftaran untuk BPJS Ketenagakerjaan",
        )  # fmt: skip
    return rows
