"""The registration file: the checked requests of the branch officer's area, with full NIKs (the
branch registers the persons with them), handed to the BPJS Ketenagakerjaan branch as CSV or XLSX
(docs/domain.md §13.1).

The column layout is data, ``data/registration_file.csv``, and is **unconfirmed** until checked
against the branch's collective-registration template. Taking the file is a POST with a stated
reason: in one transaction the requests it holds become ``sent`` (``services.send_unchecked``,
one ``registrations.send`` audit row each, with the reason and the format) and the file is
written, so a second file never holds them again and no file exists whose requests were not
recorded as sent. A file of more than ``LINDUNG_REGISTRATION_FILE_INLINE_ROWS`` (2,000) rows is
written by the worker (``jobs.registration_file``) and downloaded by its owner only
(``core.jobs.files``, each download audited).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from openpyxl import Workbook

from lindung.core.audit import acting_user
from lindung.core.i18n import bilingual
from lindung.core.jobs import services as jobs
from lindung.core.models import Job
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.core.spreadsheets import LineEcho, safe_cell
from lindung.registrations import selectors, services
from lindung.registrations.filters import RegistrationFilter
from lindung.registrations.models import Registration, Status
from lindung.registry.services import actor_region, clean_reason

LAYOUT_FILE = Path(__file__).resolve().parent / "data" / "registration_file.csv"
FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}
# The list filters a file may be narrowed by (never a search: a job's arguments are stored).
FILE_FILTERS = ("within", "channel")
UNCONFIRMED = bilingual(
    "Susunan kolom belum dikonfirmasi sampai dicocokkan dengan templat pendaftaran kolektif "
    "kantor cabang BPJS Ketenagakerjaan.",
    "The column layout is unconfirmed until checked against the branch's "
    "collective-registration template.",
)
SEX_LETTERS = {"M": "L", "F": "P"}  # laki-laki / perempuan, as Indonesian forms write it


def _date(value: dt.date | None, pattern: str) -> str:
    if value is None:
        return ""
    return value.strftime(pattern) if pattern else value.isoformat()


# What a layout column may be filled with: (request, format) → cell value.
FIELDS: dict[str, Callable[[Registration, str], Any]] = {
    "nik": lambda r, f: r.nik,
    "name": lambda r, f: r.name,
    "birth_date": lambda r, f: _date(r.birth_date, f),
    "sex": lambda r, f: SEX_LETTERS.get(r.sex, r.sex),
    "village_code": lambda r, f: r.village_id,
    "occupation": lambda r, f: r.occupation,
    "wage": lambda r, f: r.wage,
    "programmes": lambda r, f: "+".join(r.programmes.split()),
    "first_month": lambda r, f: _date(r.first_month, f),
    "segment": lambda r, f: r.segment,
    "npp": lambda r, f: r.employer.npp if r.employer_id else "",
    "reference": lambda r, f: r.reference,
    "channel": lambda r, f: r.channel,
    "payer": lambda r, f: r.payer,
    "monthly_contribution": lambda r, f: r.monthly_contribution,
}


@dataclass(frozen=True)
class FileColumn:
    header: str
    field: str
    format: str = ""

    def value(self, request: Registration) -> Any:
        return safe_cell(FIELDS[self.field](request, self.format))


@lru_cache(maxsize=4)
def _layout(path: Path) -> tuple[FileColumn, ...]:
    try:
        text = path.read_text("utf-8-sig")
    except OSError as exc:
        raise ImproperlyConfigured(f"registration file layout {path}: {exc}") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    columns = []
    for row in csv.DictReader(lines):
        header = (row.get("header") or "").strip()
        field = (row.get("field") or "").strip()
        if not header or field not in FIELDS:
            raise ImproperlyConfigured(
                f"registration file layout {path}: a column needs a header and one of the "
                f"fields {sorted(FIELDS)} (got {header!r}, {field!r})"
            )
        columns.append(FileColumn(header, field, (row.get("format") or "").strip()))
    headers = [c.header for c in columns]
    if not columns or len(set(headers)) != len(headers):
        raise ImproperlyConfigured(f"registration file layout {path}: no or repeated headers")
    return tuple(columns)


def layout() -> tuple[FileColumn, ...]:
    """The file's columns, in order, as ``data/registration_file.csv`` lists them."""
    return _layout(LAYOUT_FILE)


def headers() -> list[str]:
    return [column.header for column in layout()]


def inline_rows() -> int:
    return int(settings.LINDUNG_REGISTRATION_FILE_INLINE_ROWS)


def file_filters(data: Mapping[str, Any]) -> dict[str, str]:
    """The filters of ``data`` a registration file takes (region, channel)."""
    return {k: str(data.get(k)).strip() for k in FILE_FILTERS if str(data.get(k) or "").strip()}


def ready(actor: Any, data: Mapping[str, Any]) -> QuerySet[Registration]:
    """The ``checked`` requests of the actor's area (narrowed by ``data``'s region and channel)
    that the next registration file holds, oldest first. ValidationError for a bad filter."""
    require_capability(actor, Capability.PROCESS_REGISTRATIONS)
    filterset = RegistrationFilter(
        {**file_filters(data), "status": Status.CHECKED},
        queryset=selectors.registrations_for(actor),
    )
    if not filterset.is_valid():
        raise ValidationError(
            [m for errors in filterset.errors.values() for m in errors], code="invalid"
        )
    return filterset.qs.select_related("employer").order_by("submitted_at", "pk")


def write_file(requests: Iterable[Registration], fmt: str, stream: BinaryIO) -> int:
    """Write the file to a binary ``stream``; returns its rows. CSV: UTF-8 with BOM (Excel opens
    it correctly), the layout's headers, one row per request. XLSX: a write-only workbook, sheet
    "peserta" (identifiers as text cells, so no spreadsheet turns a NIK into a number) and a
    sheet "catatan" saying the layout is unconfirmed."""
    columns = layout()
    count = 0
    if fmt == "csv":
        writer = csv.writer(LineEcho())
        stream.write(("\ufeff" + writer.writerow([c.header for c in columns])).encode("utf-8"))
        for request in requests:
            values = ["" if v is None else v for v in (c.value(request) for c in columns)]
            stream.write(writer.writerow(values).encode("utf-8"))
            count += 1
        return count
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("peserta")
    sheet.append([c.header for c in columns])
    for request in requests:
        sheet.append([c.value(request) for c in columns])
        count += 1
    note = workbook.create_sheet("catatan")
    made = f"{timezone.localtime():%Y-%m-%d %H:%M}"
    note.append([UNCONFIRMED])
    note.append(
        [
            bilingual(
                f"Dibuat {made}; {count:,} baris.".replace(",", "."),
                f"Made {made}; {count:,} rows.",
            )
        ]
    )
    workbook.save(stream)
    return count


def filename(fmt: str) -> str:
    return f"pendaftaran-bpjs-{timezone.localtime():%Y-%m-%d-%H%M}.{fmt}"


def nothing_to_send() -> ValidationError:
    return ValidationError(
        bilingual(
            "Tidak ada pendaftaran berstatus diperiksa untuk dikirim.",
            "There are no checked requests to send.",
        ),
        code="empty",
    )


def export_file(
    *, actor: Any, fmt: str, data: Mapping[str, Any], reason: str, out: BinaryIO
) -> int:
    """Send the ready requests and write their file to ``out``, in one durable transaction;
    returns the rows (0: nothing was ready, nothing written). The stated ``reason`` goes into
    every request's ``registrations.send`` audit row."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    reason = clean_reason(reason)
    with transaction.atomic(durable=True):
        candidates = list(ready(actor, data))
        sent = services.send_unchecked(
            actor=actor, requests=candidates, reason=reason, file_format=fmt
        )
        if not sent:
            return 0
        return write_file(sent, fmt, out)


@dataclass(frozen=True)
class HandOff:
    """A registration file made now (``content``) or by the worker (``job``)."""

    rows: int
    fmt: str
    content: bytes = b""
    job: Job | None = None

    @property
    def filename(self) -> str:
        return filename(self.fmt)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]


def hand_off(
    *, actor: Any, fmt: str, data: Mapping[str, Any], reason: str, request_id: str = ""
) -> HandOff:
    """The registration file for ``actor``: written now up to ``inline_rows()`` requests, else a
    job of the worker whose file only ``actor`` downloads. Raises ValidationError for a bad
    filter or reason, when nothing is ready, or while the actor's previous large file is being
    made; PermissionDenied without the capability."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    count = ready(actor, data).count()
    reason = clean_reason(reason)
    if not count:
        raise nothing_to_send()
    if count <= inline_rows():
        out = io.BytesIO()
        rows = export_file(actor=actor, fmt=fmt, data=data, reason=reason, out=out)
        if not rows:  # they were sent by someone else meanwhile
            raise nothing_to_send()
        return HandOff(rows=rows, fmt=fmt, content=out.getvalue())
    user = acting_user(actor)
    filters = file_filters(data)
    try:
        job = jobs.submit(
            actor=actor,
            kind="registrations.file",
            target=f"registration-file:{user.pk if user else 0}",
            label=bilingual(
                f"Berkas pendaftaran BPJS {fmt.upper()} ({count:,} baris)".replace(",", "."),
                f"BPJS registration file {fmt.upper()} ({count:,} rows)",
            ),
            work="lindung.registrations.jobs.registration_file",
            arguments={
                "fmt": fmt,
                "filters": filters,
                "reason": reason,
                "language": translation.get_language() or settings.LANGUAGE_CODE,
            },
            region_code=actor_region(actor, filters.get("within", "")),
            request_id=request_id,
        )
    except jobs.JobBusy as exc:
        raise ValidationError(str(exc), code="busy") from exc
    return HandOff(rows=count, fmt=fmt, job=job)
