"""Coverage report downloads: PDF (WeasyPrint, the dashboard's SVG map and chart) and XLSX."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lindung.core.pdf import render_pdf
from lindung.coverage.presenters import child_dict, figure_dict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(context: dict[str, Any], ext: str) -> str:
    figure = context["figure"]
    view = "publik" if context["public"] else "rinci"
    return f"cakupan-{figure.region.code}-{figure.day.isoformat()}-{view}.{ext}"


def response(context: dict[str, Any], fmt: str) -> HttpResponse:
    if fmt == "pdf":
        body, content_type = pdf_bytes(context), "application/pdf"
    else:
        body, content_type = xlsx_bytes(context), XLSX
    reply = HttpResponse(body, content_type=content_type)
    reply["Content-Disposition"] = f'attachment; filename="{_filename(context, fmt)}"'
    return reply


def pdf_bytes(context: dict[str, Any]) -> bytes:
    html = render_to_string("coverage/report.html", context)
    return render_pdf(html)


def xlsx_bytes(context: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    figure = context["figure"]
    summary = figure_dict(figure)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    rows = [
        (_("Region"), f"{figure.region.code} {figure.region.name}"),
        (_("Date"), summary["date"]),
        (_("Covered"), summary["covered"]),
        (_("Worker population"), summary["population"]),
        (_("Coverage (%)"), summary["coverage_pct"]),
        (_("Not yet covered"), summary["uncovered"]),
        (_("Denominator"), (summary["denominator_detail"] or {}).get("name")),
        (_("Reference date"), (summary["denominator_detail"] or {}).get("reference_date")),
        (_("Source"), (summary["denominator_detail"] or {}).get("source")),
        (_("View"), _("public (cells under 10 hidden)") if context["public"] else _("internal")),
    ]
    for row in rows:
        sheet.append(row)
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    sheet.append(())
    sheet.append((_("Target year"), _("Set by"), _("Target (%)"), _("Workers still to cover")))
    for t in context["targets"]:
        sheet.append(
            (t.target.year, t.target.label, float(t.target.target_pct), t.workers_to_cover)
        )

    regions = book.create_sheet(_("Regions")[:31])
    regions.append(
        (
            _("Code"),
            _("Region"),
            _("Covered"),
            _("Workers"),
            _("Coverage (%)"),
            _("Not yet covered"),
        )
    )
    for child in context["children"]:
        c = child_dict(child)
        regions.append(
            (
                c["region"],
                c["region_name"],
                c["covered"],
                c["population"],
                c["coverage_pct"],
                c["uncovered"],
            )
        )
    details = book.create_sheet(_("Breakdowns")[:31])
    details.append((_("Dimension"), _("Value"), _("Covered"), _("Share (%)")))
    for dimension, lines in context["breakdowns"]:
        for line in lines:
            share = None if line.share_pct is None else float(line.share_pct)
            details.append((str(dimension.label), line.label, line.covered, share))
    trend = book.create_sheet(_("Trend")[:31])
    trend.append((_("Month"), _("Covered"), _("Workers"), _("Coverage (%)")))
    for point in context["trend"]:
        pct = None if point.coverage_pct is None else float(point.coverage_pct)
        trend.append((point.month, point.covered, point.population, pct))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
