"""CSV and XLSX exports of the scoped, filtered registry lists: streamed, masked, audited.

CSV streams row by row from a database iterator (StreamingHttpResponse). XLSX goes through an
openpyxl write-only workbook into an anonymous temporary file, then FileResponse streams the file;
memory stays flat either way. An export over ``LINDUNG_EXPORT_INLINE_ROWS`` rows is written to a
file by the worker instead (``registry.jobs.export``) and downloaded from its job's page. The audit
row (filters, row count, format, reason) is written before the first byte is sent or the job is
queued, so an export cannot happen unrecorded.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import FilterSet
from openpyxl import Workbook

from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.core.spreadsheets import LineEcho, safe_cell
from lindung.registry import masking, selectors, services
from lindung.registry.filters import EmployerFilter, MembershipFilter, PersonFilter, is_nik
from lindung.registry.models import PROGRAMMES, Employer, Membership, Person

CHUNK_SIZE = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_ROWS_PER_SHEET = 1_000_000  # Excel's limit is 1,048,576 rows a sheet
# Keys whose values may hold personal data: audited masked, like everything else.
PERSONAL_FILTERS = {"q", "nik", "name"}


@dataclass(frozen=True)
class Column:
    header: Any  # lazy translation, resolved in the request's language
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportSpec:
    kind: str
    filename: str
    rows: Callable[[Any], QuerySet]
    filterset: type[FilterSet]
    columns: list[Column]


EMPLOYER_COLUMNS = [
    Column(gettext_lazy("NPP"), lambda e: e.npp),
    Column(gettext_lazy("Name"), lambda e: e.name),
    Column(gettext_lazy("NIB"), lambda e: e.nib),
    Column(gettext_lazy("KBLI"), lambda e: e.kbli),
    Column(gettext_lazy("Size"), lambda e: e.size_class),
    Column(gettext_lazy("Risk class"), lambda e: e.risk_class),
    Column(gettext_lazy("Status"), lambda e: e.status),
    Column(gettext_lazy("Village code"), lambda e: e.village_code),
    Column(gettext_lazy("Regency code"), lambda e: e.regency_code),
    Column(gettext_lazy("Registered on"), lambda e: e.registered_on),
]

PERSON_COLUMNS = [
    Column(gettext_lazy("ID"), lambda p: p.pk),
    Column(gettext_lazy("NIK"), lambda p: masking.mask_nik(p.nik)),
    Column(gettext_lazy("Name"), lambda p: masking.mask_name(p.name)),
    Column(gettext_lazy("Sex"), lambda p: p.sex),
    Column(gettext_lazy("Age band"), lambda p: masking.age_band(p.birth_date)),
    Column(gettext_lazy("Phone"), lambda p: masking.mask_phone(p.phone)),
    Column(gettext_lazy("Occupation"), lambda p: p.occupation),
    Column(gettext_lazy("Village code"), lambda p: p.village_code),
    Column(gettext_lazy("Regency code"), lambda p: p.regency_code),
]

MEMBERSHIP_COLUMNS = [
    Column(gettext_lazy("ID"), lambda m: m.pk),
    Column(gettext_lazy("Person ID"), lambda m: m.person_id),
    Column(gettext_lazy("NIK"), lambda m: masking.mask_nik(m.person.nik)),
    Column(gettext_lazy("Name"), lambda m: masking.mask_name(m.person.name)),
    Column(gettext_lazy("Employer NPP"), lambda m: m.employer.npp if m.employer else ""),
    Column(gettext_lazy("Segment"), lambda m: m.segment),
    Column(gettext_lazy("KPJ"), lambda m: masking.mask_kpj(m.kpj)),
    Column(gettext_lazy("Programmes"), lambda m: " ".join(p for p in PROGRAMMES if getattr(m, p))),
    Column(gettext_lazy("Wage band"), lambda m: masking.wage_band(m.wage)),
    Column(gettext_lazy("Funding"), lambda m: m.funding),
    Column(gettext_lazy("Work region code"), lambda m: m.work_region_id),
    Column(gettext_lazy("Start date"), lambda m: m.start_date),
    Column(gettext_lazy("End date"), lambda m: m.end_date),
    Column(gettext_lazy("End reason"), lambda m: m.end_reason),
]

SPECS = {
    "employers": ExportSpec(
        "employers", "pemberi-kerja", selectors.employers_for, EmployerFilter, EMPLOYER_COLUMNS
    ),
    "persons": ExportSpec("persons", "orang", selectors.persons_for, PersonFilter, PERSON_COLUMNS),
    "memberships": ExportSpec(
        "memberships",
        "kepesertaan",
        selectors.memberships_for,
        MembershipFilter,
        MEMBERSHIP_COLUMNS,
    ),
}
ORDERING: dict[type, str] = {Employer: "npp", Person: "pk", Membership: "pk"}


def safe_filters(filterset: FilterSet) -> dict[str, str]:
    """The filters actually applied, as audit-safe strings (a searched NIK or name is masked)."""
    applied: dict[str, str] = {}
    for key, value in filterset.form.cleaned_data.items():
        if value in (None, ""):
            continue
        text = str(value)
        if key in PERSONAL_FILTERS:
            text = masking.mask_nik(text) if is_nik(text) else masking.mask_name(text)
        applied[key] = text
    return applied


def _records(queryset: QuerySet, columns: list[Column]) -> Iterator[list[Any]]:
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [safe_cell(column.value(obj)) for column in columns]


def _csv_lines(headers: list[str], records: Iterable[list[Any]], language: str) -> Iterator[str]:
    writer = csv.writer(LineEcho())
    with translation.override(language):  # streamed after the view returned
        yield "\ufeff"  # BOM: Excel opens UTF-8 CSV correctly
        yield writer.writerow(headers)
        for record in records:
            yield writer.writerow(["" if v is None else v for v in record])


def _workbook(headers: list[str], records: Iterable[list[Any]], title: str) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = None
    written = XLSX_ROWS_PER_SHEET
    for record in records:
        if written >= XLSX_ROWS_PER_SHEET:
            sheet = workbook.create_sheet(f"{title}{len(workbook.worksheets) + 1}"[:31])
            sheet.append(headers)
            written = 0
        sheet.append(record)
        written += 1
    if sheet is None:  # no rows: still a valid workbook with its header
        workbook.create_sheet(f"{title}1"[:31]).append(headers)
    return workbook


@dataclass(frozen=True)
class Prepared:
    """An export checked and ready to write: its list's filters applied in the actor's scope."""

    spec: ExportSpec
    filterset: FilterSet
    queryset: QuerySet

    @property
    def personal_search(self) -> bool:
        """Whether a NIK or name search narrows it (such a term never goes into a job's
        arguments: it would sit in the jobs table in clear)."""
        data = self.filterset.form.cleaned_data
        return any(data.get(key) not in (None, "") for key in PERSONAL_FILTERS)

    def job_filters(self) -> dict[str, str]:
        """The raw filter values the worker applies again (no personal search term)."""
        fields = self.filterset.form.fields
        return {
            key: str(self.filterset.data.get(key))
            for key in fields
            if key not in PERSONAL_FILTERS and self.filterset.data.get(key) not in (None, "")
        }


def prepare(*, actor: Any, kind: str, data: Any) -> Prepared:
    """The export of ``kind`` over the actor's scope filtered by ``data``; ValidationError for
    invalid filters, PermissionDenied without the capability."""
    require_capability(actor, Capability.EXPORT_REGISTRY)  # before any filter is read
    spec = SPECS[kind]
    filterset = spec.filterset(data, queryset=spec.rows(actor))
    if not filterset.is_valid():
        raise ValidationError(
            [m for errors in filterset.errors.values() for m in errors], code="invalid"
        )
    return Prepared(spec, filterset, filterset.qs.order_by(ORDERING[filterset.queryset.model]))


def filename(kind: str, fmt: str) -> str:
    return f"{SPECS[kind].filename}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def write_file(prepared: Prepared, fmt: str, path: Path, language: str) -> int:
    """Write the export to ``path`` (the worker's side of a large export); returns its rows."""
    count = 0
    with translation.override(language):
        headers = [str(column.header) for column in prepared.spec.columns]
        records = _records(prepared.queryset, prepared.spec.columns)

        def counted() -> Iterator[list[Any]]:
            nonlocal count
            for record in records:
                count += 1
                yield record

        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as out:
                out.writelines(_csv_lines(headers, counted(), language))
        else:
            _workbook(headers, counted(), _("Sheet")).save(path)
    return count


def export_response(
    *, actor: Any, kind: str, fmt: str, data: Any, request_id: str = ""
) -> HttpResponseBase:
    """Export ``kind`` (employers, persons, memberships) in ``fmt`` (csv, xlsx) for ``actor``:
    streamed now, or — above ``LINDUNG_EXPORT_INLINE_ROWS`` rows — written by the worker, and
    the answer is the job's page, where its owner downloads the file.

    ``data`` holds the list's filters and the ``reason``. Raises ValidationError for invalid
    filters, a missing reason or a busy export, PermissionDenied without the capabilities.
    """
    prepared = prepare(actor=actor, kind=kind, data=data)
    row_count = prepared.queryset.count()
    audit = {
        "actor": actor,
        "kind": kind,
        "fmt": fmt,
        "filters": safe_filters(prepared.filterset),
        "row_count": row_count,
        "reason": data.get("reason", ""),
    }
    if row_count > settings.LINDUNG_EXPORT_INLINE_ROWS and not prepared.personal_search:
        job = services.start_export(
            **audit,
            job_filters=prepared.job_filters(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            request_id=request_id,
        )
        return redirect("jobs:detail", pk=job.pk)
    services.record_export(**audit)
    headers = [str(column.header) for column in prepared.spec.columns]
    records = _records(prepared.queryset, prepared.spec.columns)
    name = filename(kind, fmt)
    if fmt == "csv":
        lines = _csv_lines(headers, records, translation.get_language())
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        _workbook(headers, records, _("Sheet")).save(handle)
        handle.seek(0)
        response = FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response
