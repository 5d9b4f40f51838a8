"""The Inpres 2/2021 monitoring table (issue 21 §4): its XLSX and PDF carry the coverage per
category as the selectors count it and the budget lines, an empty register is said in words,
bad requests are 400s and other areas 404s, and the coverage dashboard shows the register's
section."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindung.core.models import AuditLog
from lindung.core.roles import Role
from lindung.publicworkers import panels, selectors
from lindung.publicworkers.audit import PublicWorkerAudit
from lindung.publicworkers.models import BudgetLine
from tests.publicworkers.factories import covered, listed, village_government
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, EmployerFactory

ON = dt.date(2025, 9, 1)
REGENCY = "18.71"


def url(fmt: str) -> str:
    return reverse("publicworkers:report", args=[fmt])


@pytest.fixture
def register(region_tree):
    """One village government of 18.71: two of three officials covered on ON (one under
    another employer), one of two RT/RW heads (BPU); budget lines of 2025."""
    body = village_government(region_tree[OWN_VILLAGE])
    head = listed(body, 1, "village_head", honorarium=3_400_000)
    official = listed(body, 2, "village_official")
    other = listed(body, 3, "village_official")
    rt = listed(body, 4, "rt_rw_head")
    listed(body, 5, "rt_rw_head")
    covered(head)
    covered(official)
    covered(other, employer=EmployerFactory(village=region_tree[OWN_VILLAGE]))
    covered(rt, segment="BPU")
    BudgetLine.objects.create(body=body, category_id="village_head", fiscal_year=2025,
                              planned=2_545_920, realised=1_697_280)  # fmt: skip
    BudgetLine.objects.create(body=body, category_id="rt_rw_head", fiscal_year=2025,
                              planned=1_234_567, realised=0)  # fmt: skip
    BudgetLine.objects.create(
        body=body, category_id="rt_rw_head", fiscal_year=2024, planned=999, realised=999
    )  # another year: not counted
    return body


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(content: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_xlsx_rows_are_the_coverage_per_category_with_the_budget(client, register, make_user):
    officer = make_user(Role.REGENCY_OFFICER)
    client.force_login(officer)
    response = client.get(url("xlsx"), {"region": REGENCY, "date": ON.isoformat()})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"pemantauan-inpres-2-2021-{REGENCY}-2025-09-01.xlsx" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert rows[0][0] == "Tabel pemantauan pelaksanaan Inpres 2/2021 — Kota Bandar Lampung"
    assert "1 September 2025" in rows[1][0]
    header = rows.index(
        ("No.", "Kategori", "Jumlah pekerja", "Terlindungi", "Cakupan (%)",
         "Pagu anggaran (Rp)", "Realisasi anggaran (Rp)")
    )  # fmt: skip
    expected, total = selectors.coverage(officer, region=REGENCY, on=ON)
    body = rows[header + 1 : header + 1 + len(expected)]
    assert [r[1] for r in body] == [c.label for c in expected]
    assert [(r[2], r[3], r[4]) for r in body] == [
        (c.total, c.covered, float(c.coverage_pct) if c.total else None) for c in expected
    ]
    by = {r[1]: r for r in body}
    assert by["Kepala desa"][2:] == (1, 1, 100.0, 2_545_920, 1_697_280)
    assert by["Perangkat desa"][2:5] == (2, 1, 50.0)
    assert by["Ketua RT/RW"][2:] == (2, 1, 50.0, 1_234_567, 0)
    # Every category, an empty one with zeros and no coverage (not 0 %).
    assert by["Anggota BPD"][2:] == (0, 0, None, 0, 0)
    total_row = rows[header + 1 + len(expected)]
    assert total_row[0] is None
    assert total_row[1:] == ("Jumlah", 5, 3, 60.0, 2_545_920 + 1_234_567, 1_697_280)
    assert (total.total, total.covered) == (5, 3)
    assert any("Instruksi Presiden Nomor 2 Tahun 2021" in str(r[0]) for r in rows)
    # Thousands and percentages as formats, so the cells stay numbers.
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(header + 2, 6).number_format == "#,##0"
    assert sheet.cell(header + 2, 5).number_format == '0.00" %"'
    audit = AuditLog.objects.get(action=PublicWorkerAudit.REPORT)
    assert audit.region_code == REGENCY and audit.after["format"] == "xlsx"


def test_pdf_is_a_pdf_with_the_title_and_indonesian_numbers(client, register, make_user):
    client.force_login(make_user(Role.PROVINCE_OFFICER))
    response = client.get(url("pdf"), {"region": REGENCY, "date": ON.isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Tabel pemantauan pelaksanaan Inpres 2/2021 — Kota Bandar Lampung" in text
    assert "1 September 2025" in text
    assert "Kepala desa" in text and "2.545.920" in text and "1.234.567" in text
    assert "60,00 %" in text  # the total: 3 of 5
    assert "Anggota BPD 0 0 – 0 0" in text  # nobody listed: no coverage, not 0 %
    assert "Instruksi Presiden Nomor 2 Tahun 2021" in text


def test_an_empty_register_is_said_in_words(client, region_tree, make_user):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    xlsx = client.get(url("xlsx"), {"region": REGENCY, "date": ON.isoformat()})
    rows = sheet_rows(xlsx.content)
    assert rows[3][0].startswith("Belum ada pekerja sektor publik atau desa")
    assert not any(r[0] == "No." for r in rows)
    pdf = client.get(url("pdf"), {"region": REGENCY, "date": ON.isoformat()})
    text = pdf_text(pdf.content)
    assert "Belum ada pekerja sektor publik atau desa yang tercatat dalam register" in text
    assert "Jumlah pekerja" not in text


def test_the_default_region_is_the_readers_own_area_and_the_default_day_today(
    client, register, make_user
):
    client.force_login(make_user(Role.VILLAGE_OPERATOR))
    response = client.get(url("xlsx"))
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert "Kedaton" in rows[0][0] and f"kode wilayah {OWN_VILLAGE}" in rows[1][0]
    assert AuditLog.objects.get(action=PublicWorkerAudit.REPORT).region_code == OWN_VILLAGE


@pytest.mark.parametrize(
    ("fmt", "query"),
    [
        ("csv", {"region": REGENCY}),
        ("xlsx", {"region": REGENCY, "date": "2025-13-01"}),
        ("xlsx", {"region": REGENCY, "date": "0000-01-01"}),
        ("pdf", {"region": REGENCY, "date": "kemarin"}),
        ("pdf", {"region": REGENCY, "date": "20250901"}),
        ("xlsx", {"region": REGENCY, "date": "2999-01-01"}),  # later than today
        ("xlsx", {"region": "18.7"}),
        ("xlsx", {"region": "18.71'; DROP"}),
        ("xlsx", {"region": "18.99"}),  # well-formed, unknown
    ],
)
def test_bad_input_is_a_400_in_both_languages(client, register, make_user, fmt, query):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    response = client.get(url(fmt), query)
    assert response.status_code == 400
    message = response.content.decode()
    assert 'id="report-refused"' in message and " / " in message
    assert not AuditLog.objects.filter(action=PublicWorkerAudit.REPORT).exists()


def test_a_reader_of_several_areas_must_choose_one(client, region_tree, make_user):
    client.force_login(make_user(Role.PROVINCE_OFFICER, scope=["18.71", "18.72"]))
    response = client.get(url("xlsx"))
    assert response.status_code == 400 and "region" in response.content.decode()
    assert client.get(url("xlsx"), {"region": "18.72"}).status_code == 200


def test_scope(client, register, make_user):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    assert client.get(url("xlsx"), {"region": "18.72"}).status_code == 404
    assert client.get(url("pdf"), {"region": "18"}).status_code == 404  # above its area
    client.force_login(make_user(Role.VILLAGE_OPERATOR))
    assert client.get(url("xlsx"), {"region": REGENCY}).status_code == 404
    client.force_login(make_user(Role.EMPLOYER))
    assert client.get(url("xlsx"), {"region": REGENCY}).status_code == 403
    client.logout()
    assert client.get(url("xlsx"), {"region": REGENCY}).status_code == 302
    assert not AuditLog.objects.filter(action=PublicWorkerAudit.REPORT).exists()


def test_the_table_counts_only_the_readers_area(client, register, region_tree, make_user):
    """The province's table of Lampung counts 18.71's register; a foreign body is not in
    18.71's table."""
    foreign = village_government(region_tree[FOREIGN_VILLAGE])
    listed(foreign, 9, "village_head")
    client.force_login(make_user(Role.PROVINCE_OFFICER))
    for region, persons in (("18", 6), (REGENCY, 5)):
        response = client.get(url("xlsx"), {"region": region, "date": ON.isoformat()})
        total = next(r for r in sheet_rows(response.content) if r[1] == "Jumlah")
        assert total[2:4] == (persons, 3)


@pytest.fixture
def installed():
    """The section is installed by ``PublicWorkersConfig.ready``; installing again is harmless."""
    panels.install()


def test_dashboard_shows_the_register_per_category(client, register, make_user, installed):
    officer = make_user(Role.REGENCY_OFFICER)
    client.force_login(officer)
    page = client.get(
        reverse("coverage:internal", kwargs={"code": REGENCY}), {"tanggal": ON.isoformat()}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="public-workers"' in body and 'id="public-workers-empty"' not in body
    rows, _ = selectors.coverage(officer, region=REGENCY, on=ON)
    for row in rows:
        pct = str(row.coverage_pct).replace(".", ",") if row.total else "–"
        assert (
            f'<tr data-category="{row.category}"><td>{row.label}</td>'
            f'<td class="text-end">{row.total}</td><td class="text-end">{row.covered}</td>'
            f'<td class="text-end">{pct}</td></tr>'
        ) in body
    assert '<td class="text-end">5</td><td class="text-end">3</td>' in body  # the total
    assert f"{url('xlsx')}?region={REGENCY}&amp;date=2025-09-01" in body
    assert f"{url('pdf')}?region={REGENCY}&amp;date=2025-09-01" in body


def test_dashboard_says_when_the_register_is_empty(client, region_tree, make_user, installed):
    client.force_login(make_user(Role.BPJS_BRANCH))
    page = client.get(
        reverse("coverage:internal", kwargs={"code": REGENCY}), {"tanggal": ON.isoformat()}
    )
    body = page.content.decode()
    assert 'id="public-workers-empty"' in body and 'id="public-workers-table"' not in body


def test_no_section_for_a_reader_without_the_register(region_tree, make_user):
    assert panels.coverage_panel(make_user(Role.EMPLOYER), REGENCY, ON) is None
