"""Coverage pages, reports and API: what each audience sees, and entering published figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindung.core.jobs.runtime import execute
from lindung.core.models import AuditLog, Job
from lindung.core.months import month_ends
from lindung.coverage.models import IndicatorPoint
from lindung.coverage.services import refresh
from lindung.registry.models import Segment
from tests.registry.factories import MembershipFactory, PersonFactory, nik_for

OWN_VILLAGE, OTHER_VILLAGE = "18.71.01.1003", "18.71.01.1004"
DAY = dt.date(2024, 6, 30)


@pytest.fixture
def covered(region_tree, settings):
    """25 BPU workers in one village of 18.71 and 3 in the other (a small cell), facts for
    2024-01 … 2024-06."""
    settings.COVERAGE_FIRST_MONTH = "2024-01"
    serial = 0
    for village, count in ((OWN_VILLAGE, 25), (OTHER_VILLAGE, 3)):
        for _ in range(count):
            serial += 1
            person = PersonFactory(nik=nik_for(village, serial), domicile=region_tree[village])
            MembershipFactory(
                person=person,
                employer=None,
                segment=Segment.BPU,
                work_region=region_tree[village],
                start_date=dt.date(2024, 1, 1),
            )
    refresh(months=month_ends(dt.date(2024, 1, 1), DAY))
    return region_tree


def test_public_api_hides_small_cells_and_internal_api_does_not(client, covered, users_by_role):
    url = reverse("api:coverage-public", kwargs={"code": "18.71.01"})
    public = client.get(url, {"date": DAY.isoformat(), "by": "region"}).json()
    assert public["covered"] == 28 and public["computed_from"] == "facts"
    by_code = {r["region"]: r["covered"] for r in public["regions"]}
    # 3 is under 10, and 25 is hidden with it (28 − 25 would give the 3 away).
    assert by_code == {OWN_VILLAGE: None, OTHER_VILLAGE: None}

    client.force_login(users_by_role["regency_officer"])
    url = reverse("api:coverage-detail", kwargs={"code": "18.71.01"})
    internal = client.get(url, {"date": DAY.isoformat(), "by": "region"}).json()
    assert {r["region"]: r["covered"] for r in internal["regions"]} == {
        OWN_VILLAGE: 25,
        OTHER_VILLAGE: 3,
    }
    segment = client.get(url, {"date": DAY.isoformat(), "by": "segment"}).json()
    assert {r["code"]: r["covered"] for r in segment["breakdown"]}["BPU"] == 28


def test_dashboard_headline_uses_the_denominator_and_its_source(client, covered):
    response = client.get(
        reverse("coverage:public", kwargs={"code": "18.71"}), {"tanggal": DAY.isoformat()}
    )
    population = covered["18.71"].populations.get().value
    pct = f"{28 * 100 / population:.2f}".replace(".", ",")
    body = response.content.decode()
    assert f"28 dari {population:,} pekerja terlindungi — {pct} %".replace(",", ".", 1) in body
    assert "from the month-end facts" in body or "fakta akhir bulan" in body


def test_xlsx_report_carries_the_figures(client, covered, users_by_role, settings):
    """The internal report is made by the worker; its owner downloads it from the job page."""
    client.force_login(users_by_role["province_officer"])
    url = reverse("coverage:internal-report", kwargs={"code": "18.71.01", "fmt": "xlsx"})
    queued = client.post(f"{url}?tanggal={DAY.isoformat()}")
    job = Job.objects.get(kind="coverage.report")
    assert queued["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == "queued" and job.arguments["query"] == {"tanggal": DAY.isoformat()}
    settings.LINDUNG_JOBS_INLINE = True
    assert client.get(url).status_code == 405  # a GET starts nothing
    assert execute(job.pk) == "done"
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response["Content-Disposition"].endswith('cakupan-18.71.01-2024-06-30-rinci.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row}
    assert 28 in summary.values()
    regions = list(book.worksheets[1].iter_rows(values_only=True))[1:]
    assert {r[0]: r[2] for r in regions} == {OWN_VILLAGE: 25, OTHER_VILLAGE: 3}
    trend = list(book.worksheets[3].iter_rows(values_only=True))[1:]
    assert [r[1] for r in trend] == [28] * 6


def test_pdf_report_is_a_pdf(client, covered):
    url = reverse("coverage:public-report", kwargs={"code": "18.71", "fmt": "pdf"})
    response = client.get(url, {"tanggal": DAY.isoformat()})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 3_000


POINT = {
    "reference_date": "2024-09-30",
    "label": "BPJS Ketenagakerjaan",
    "covered": "760468",
    "population": "3058943",
    "coverage_pct": "24.86",
    "source": "https://example.test/rilis",
}


def test_published_figure_is_saved_audited_and_scoped(client, covered, users_by_role):
    branch = users_by_role["bpjs_branch"]  # scope 18.71
    client.force_login(branch)
    own = client.post(reverse("coverage:point-add", kwargs={"code": "18.71"}), POINT)
    assert own.status_code == 302
    point = IndicatorPoint.objects.get(region_id="18.71")
    assert (point.covered, point.population, str(point.coverage_pct)) == (760468, 3058943, "24.86")
    assert AuditLog.objects.filter(action="coverage.point.create", actor=branch).exists()
    # The same key again updates instead of duplicating.
    client.post(reverse("coverage:point-add", kwargs={"code": "18.71"}), {**POINT, "covered": "1"})
    assert IndicatorPoint.objects.get(region_id="18.71").covered == 1

    foreign = client.post(reverse("coverage:point-add", kwargs={"code": "18.72"}), POINT)
    assert foreign.status_code == 404
    assert not IndicatorPoint.objects.filter(region_id="18.72").exists()

    empty = {k: v for k, v in POINT.items() if k not in {"covered", "population", "coverage_pct"}}
    client.post(reverse("coverage:point-add", kwargs={"code": "18.71"}), {**empty, "label": "X"})
    assert not IndicatorPoint.objects.filter(label="X").exists()


def test_village_operator_reads_only_its_village(client, covered, users_by_role):
    client.force_login(users_by_role["village_operator"])  # scope 18.71.01.1003
    own = client.get(reverse("coverage:internal", kwargs={"code": OWN_VILLAGE}))
    assert own.status_code == 200
    assert (
        client.get(reverse("coverage:internal", kwargs={"code": OTHER_VILLAGE})).status_code == 404
    )
    assert client.get(reverse("coverage:index")).url == reverse(
        "coverage:internal", kwargs={"code": OWN_VILLAGE}
    )
