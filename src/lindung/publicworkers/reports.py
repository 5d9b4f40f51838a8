"""The Inpres 2/2021 monitoring table (issue 21 §4; docs/domain.md §5.1, §13.2): per category
of the people a region's governments pay, how many are listed, how many are covered, the
coverage, and the budget line planned and realised for their contributions in the year.

One data function (:func:`monitoring_table`) and two renderings of it, XLSX and PDF, both in
Indonesian: the table goes to the regent, the governor and the monitoring team. The download is
audited like the internal coverage report: unsuppressed figures of a small area (one village
head, covered or not) say something about a person."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation

from lindung.core import regioncodes
from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.numbers import MISSING, number_text, percent_text
from lindung.core.pdf import render_pdf
from lindung.core.scope import actor_scope
from lindung.coverage.selectors import home_region
from lindung.publicworkers import selectors
from lindung.publicworkers.audit import PublicWorkerAudit
from lindung.regions.models import Kind, Level, Region

FORMATS = ("xlsx", "pdf")
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "pdf": "application/pdf"}

TITLE = "Tabel pemantauan pelaksanaan Inpres 2/2021"
SUBJECT = "Perlindungan jaminan sosial ketenagakerjaan pekerja sektor publik dan desa"
COLUMNS = (
    "No.",
    "Kategori",
    "Jumlah pekerja",
    "Terlindungi",
    "Cakupan (%)",
    "Pagu anggaran (Rp)",
    "Realisasi anggaran (Rp)",
)
SOURCE = (
    "Sumber: register pekerja sektor publik dan desa di Lindung, dicocokkan dengan kepesertaan "
    "BPJS Ketenagakerjaan; pagu dan realisasi dari anggaran iuran yang dicatat tiap badan "
    "pembayar. Disusun untuk pemantauan Instruksi Presiden Nomor 2 Tahun 2021 tentang "
    "Optimalisasi Pelaksanaan Program Jaminan Sosial Ketenagakerjaan (docs/domain.md §5.1, "
    "§13.2)."
)
DEFINITION = (
    "Terlindungi: peserta aktif pada tanggal tersebut, pada segmen yang ditetapkan untuk "
    "kategorinya (PU dengan badan pembayar sebagai pemberi kerja, atau BPU)."
)

# How a region is named in a title when its name does not already say it.
_PREFIX = {
    Kind.PROVINSI: "Provinsi",
    Kind.KABUPATEN: "Kabupaten",
    Kind.KOTA: "Kota",
    Kind.KECAMATAN: "Kecamatan",
    Kind.KELURAHAN: "Kelurahan",
    Kind.DESA: "Desa",
}
_LEVEL_PREFIX = {Level.PROVINCE: "Provinsi", Level.DISTRICT: "Kecamatan"}


class ReportRefused(ValueError):
    """A request the table cannot answer (a bad region, date or format): a 400, with a
    bilingual message."""


@dataclass(frozen=True)
class MonitoringRow:
    category: str
    label: str
    total: int
    covered: int
    coverage_pct: Decimal
    planned: int
    realised: int


@dataclass(frozen=True)
class MonitoringTable:
    region: Region
    on: dt.date
    rows: tuple[MonitoringRow, ...]
    total: MonitoringRow

    @property
    def empty(self) -> bool:
        """Nobody listed on the day and no budget line in its year: nothing to tabulate."""
        return not (self.total.total or self.total.planned or self.total.realised)

    @property
    def place(self) -> str:
        return place_name(self.region)

    @property
    def day_text(self) -> str:
        with translation.override("id"):
            return dateformat.format(self.on, "j F Y")

    @property
    def title(self) -> str:
        return f"{TITLE} — {self.place}"

    @property
    def subtitle(self) -> str:
        return f"{SUBJECT}, keadaan {self.day_text} (kode wilayah {self.region.code})"

    @property
    def empty_text(self) -> str:
        return (
            f"Belum ada pekerja sektor publik atau desa yang tercatat dalam register "
            f"{self.place} pada {self.day_text}, dan belum ada pagu anggaran iuran tahun "
            f"{self.on.year}: tabel pemantauan belum dapat diisi."
        )

    @property
    def filename(self) -> str:
        return f"pemantauan-inpres-2-2021-{self.region.code}-{self.on.isoformat()}"


def place_name(region: Region) -> str:
    """``Kota Bandar Lampung``, ``Provinsi Lampung``: the region's name with its kind in front
    unless the name carries it already."""
    prefix = _PREFIX.get(region.kind) or _LEVEL_PREFIX.get(region.level, "")
    if not prefix or region.name.lower().startswith(prefix.lower()):
        return region.name
    return f"{prefix} {region.name}"


def monitoring_table(user: Any, *, region: Region, on: dt.date) -> MonitoringTable:
    """The table of ``region`` as ``user`` may count it: the register of ``on`` per category
    (``selectors.coverage``) beside the budget lines of ``on``'s fiscal year."""
    coverage_rows, coverage_total = selectors.coverage(user, region=region.code, on=on)
    budget = selectors.budget_lines(user, region=region.code, year=on.year)
    rows = tuple(
        MonitoringRow(
            category=c.category,
            label=c.label,
            total=c.total,
            covered=c.covered,
            coverage_pct=c.coverage_pct,
            planned=budget.get(c.category, (0, 0))[0],
            realised=budget.get(c.category, (0, 0))[1],
        )
        for c in coverage_rows
    )
    total = MonitoringRow(
        category=coverage_total.category,
        label=coverage_total.label,
        total=coverage_total.total,
        covered=coverage_total.covered,
        coverage_pct=coverage_total.coverage_pct,
        planned=sum(r.planned for r in rows),
        realised=sum(r.realised for r in rows),
    )
    return MonitoringTable(region=region, on=on, rows=rows, total=total)


# --- The request: which region, which day, which file --------------------------------------


def parse_request(user: Any, query: Mapping[str, str], fmt: str) -> tuple[Region, dt.date]:
    """The region (``region``, default the reader's own area) and day (``date``, YYYY-MM-DD,
    default today) of a table request. Raises ``ReportRefused`` for a bad format, date or
    region code, and ``Http404`` for a region outside the reader's area (as the coverage pages
    do)."""
    if fmt not in FORMATS:
        raise ReportRefused(
            bilingual("format harus xlsx atau pdf", "the format must be xlsx or pdf")
        )
    today = timezone.localdate()
    text = (query.get("date") or "").strip()
    try:
        if text and not ISO_DAY.fullmatch(text):
            raise ValueError(text)
        on = dt.date.fromisoformat(text) if text else today
    except ValueError:
        raise ReportRefused(
            bilingual(
                "tanggal harus berbentuk TTTT-BB-HH, misalnya 2025-12-31",
                "the date must read YYYY-MM-DD, e.g. 2025-12-31",
            )
        ) from None
    if on > today:
        raise ReportRefused(
            bilingual(
                "tanggal tidak boleh melewati hari ini", "the date cannot be later than today"
            )
        )
    code = (query.get("region") or "").strip() or home_region(user) or ""
    if not code:
        raise ReportRefused(
            bilingual(
                "pilih wilayah: parameter region berisi kode wilayah, misalnya 18.71",
                "choose a region: the region parameter holds a region code, e.g. 18.71",
            )
        )
    if not regioncodes.is_valid_code(code):
        raise ReportRefused(
            bilingual(
                "kode wilayah tidak sah (contoh: 18 atau 18.71)",
                "not a valid region code (e.g. 18 or 18.71)",
            )
        )
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ReportRefused(bilingual("wilayah tidak dikenal", "unknown region"))
    if not actor_scope(user).covers_region(code):
        raise Http404(code)
    return region, on


# --- Renderings -------------------------------------------------------------------------------


def xlsx_bytes(table: MonitoringTable) -> bytes:
    """The table as one sheet: numbers are numbers (thousands shown with the reader's
    separator: 1.234.567 in an Indonesian Excel), the coverage a percentage to two decimals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "Pemantauan Inpres 2-2021"
    bold = Font(bold=True)
    sheet.append((table.title,))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append((table.subtitle,))
    sheet.append(())
    if table.empty:
        sheet.append((table.empty_text,))
    else:
        sheet.append(COLUMNS)
        header = sheet.max_row
        for cell in sheet[header]:
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="E9F5EE")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for number, row in enumerate(table.rows, start=1):
            _append_row(sheet, number, row)
        _append_row(sheet, None, table.total)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.append(())
        sheet.append((DEFINITION,))
    sheet.append((SOURCE,))
    for column, width in zip("ABCDEFG", (5, 34, 15, 13, 13, 22, 22), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append_row(sheet: Any, number: int | None, row: MonitoringRow) -> None:
    # Nobody listed: no coverage to state (an empty cell, "–" in the PDF), not 0 %.
    pct = float(row.coverage_pct) if row.total else None
    sheet.append((number, row.label, row.total, row.covered, pct, row.planned, row.realised))
    cells = sheet[sheet.max_row]
    for cell in (cells[2], cells[3], cells[5], cells[6]):
        cell.number_format = "#,##0"
    cells[4].number_format = '0.00" %"'


def pdf_bytes(table: MonitoringTable) -> bytes:
    """The table as an A4 landscape page, rendered by the one PDF renderer."""
    with translation.override("id"):
        html = render_to_string(
            "publicworkers/report.html",
            {
                "table": table,
                "columns": COLUMNS,
                "rows": [_cells(r) for r in table.rows],
                "total": _cells(table.total),
                "source": SOURCE,
                "definition": DEFINITION,
            },
        )
    return render_pdf(html)


def _cells(row: MonitoringRow) -> dict[str, str]:
    return {
        "label": row.label,
        "total": number_text(row.total),
        "covered": number_text(row.covered),
        "coverage_pct": f"{percent_text(row.coverage_pct)} %" if row.total else MISSING,
        "planned": number_text(row.planned),
        "realised": number_text(row.realised),
    }


def download(actor: Any, table: MonitoringTable, fmt: str) -> HttpResponse:
    """The file of ``table`` in ``fmt``, its download audited."""
    body = pdf_bytes(table) if fmt == "pdf" else xlsx_bytes(table)
    record_audit(
        actor=actor,
        action=PublicWorkerAudit.REPORT,
        target=table.region,
        region_code=table.region.code,
        after={
            "format": fmt,
            "date": table.on.isoformat(),
            "listed": table.total.total,
            "covered": table.total.covered,
        },
    )
    reply = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    reply["Content-Disposition"] = f'attachment; filename="{table.filename}.{fmt}"'
    return reply
