"""A village government's register, end to end (issue 21): the village operator uploads the list
of the people its village pays (one bad row, named by its line), sees on its body page who is not
covered and sends them as registration requests; the branch takes the registration file and
imports its confirmation; back on the body page the requests are confirmed and the coverage per
category, from their first month, has risen. At a phone's 360 px the body page never scrolls
sideways."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from lindung.core.roles import Role
from lindung.publicworkers.models import BodyKind, PayingBody, PublicWorker
from lindung.regions.models import Region
from lindung.registrations.models import Registration, Status
from lindung.registry.models import Employer
from tests.browser.conftest import MakeOfficer, login, nav_click
from tests.registry.factories import nik_for

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
BIRTH = dt.date(1979, 8, 17)
# (category, honorarium, how many): a head, three officials, two RT heads.
REGISTER = [("village_head", 3_400_000, 1), ("village_official", 2_500_000, 3),
            ("rt_rw_head", 600_000, 2)]  # fmt: skip
BAD_LINE = 8  # a category no one knows


def register_file(path: Path, village: str) -> list[str]:
    """The village's register as its operator keeps it; returns the good rows' NIKs."""
    niks = []
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["nik", "nama", "jenis_kelamin", "tanggal_lahir", "kategori",
                         "honorarium", "sumber_anggaran"])  # fmt: skip
        n = 0
        for category, honorarium, count in REGISTER:
            for _ in range(count):
                n += 1
                nik = nik_for(village, 300 + n, BIRTH)
                niks.append(nik)
                writer.writerow([nik, f"Aparatur Desa {n}", "L", BIRTH.isoformat(), category,
                                 honorarium, "APBDes"])  # fmt: skip
        writer.writerow([nik_for(village, 399, BIRTH), "Tidak Dikenal", "L", BIRTH.isoformat(),
                         "astronot", 100_000, "APBDes"])  # fmt: skip
    return niks


def coverage_row(page: Page, category: str) -> Any:
    return page.locator(f"#coverage tr[data-category='{category}']")


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def first_of_next_month() -> dt.date:
    today = timezone.localdate()
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def test_a_village_registers_its_uncovered_officials_and_sees_them_covered(
    page: Page,
    live_server: Any,
    make_officer: MakeOfficer,
    settings: Any,
    tmp_path: Path,
    screenshot: Any,
) -> None:
    settings.LINDUNG_JOBS_INLINE = True  # the live server's test database is not shared
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
    village = Region.objects.filter(level="village", regency_code="18.71").order_by("code")[0]
    make_officer("desa", Role.VILLAGE_OPERATOR, [village.code])
    make_officer("cabang", Role.BPJS_BRANCH, ["18.71"])
    # The village government is a registry employer (its NPP), for the PU categories.
    npp = Employer(npp="19007771", name=f"Pemerintah Desa {village.name}", village=village,
                   size_class="micro", risk_class=1)  # fmt: skip
    npp.assign_region_codes(village.code)
    npp.save()
    body = PayingBody(code=f"DESA-{village.code}", name=f"Pemerintah Desa {village.name}",
                      kind=BodyKind.VILLAGE, region=village, employer=npp)  # fmt: skip
    body.assign_region_codes(village.code)
    body.save()

    # 1. The operator uploads its register: six persons, and one row refused by its line.
    login(page, "desa")
    upload = tmp_path / "daftar-aparatur.csv"
    niks = register_file(upload, village.code)
    page.goto("/impor/?kind=public_workers")
    page.select_option("#id_kind", "public_workers")
    page.set_input_files("#id_file", str(upload))
    page.click("#upload-button")
    expect(page).to_have_url(re.compile(r"/impor/\d+/$"))
    expect(page.locator("#job")).to_have_attribute("data-state", "done")
    expect(page.locator("#rows-imported")).to_have_text("6")
    expect(page.locator("#rows-rejected")).to_have_text("1")
    assert PublicWorker.objects.filter(body=body).count() == 6

    # 2. The register's page is the operator's own body page: nobody is covered yet.
    nav_click(page, "#nav-public-workers")
    expect(page).to_have_url(re.compile(rf"/pekerja-publik/badan/{body.pk}/$"))
    expect(coverage_row(page, "village_official")).to_have_attribute("data-total", "3")
    expect(coverage_row(page, "village_official")).to_have_attribute("data-covered", "0")
    expect(page.locator("#workers tbody tr[data-status=never]")).to_have_count(6)
    assert niks[0] not in page.content()  # NIKs are masked
    screenshot(page, "public-workers-body-uncovered")

    # 3. Every uncovered person goes as a registration request (PU under the village's NPP).
    page.click("#send-uncovered")
    expect(page.locator(".alert-success")).to_contain_text("6")
    expect(page.locator("#workers tbody tr[data-registration=checked]")).to_have_count(6)
    requests = Registration.objects.filter(nik__in=niks)
    assert requests.count() == 6 and {r.status for r in requests} == {Status.CHECKED}
    assert {r.segment for r in requests if r.employer_id == npp.pk} == {"PU"}
    expect(page.locator("#send-uncovered")).to_have_count(0)  # nothing left to send

    # 4. The branch takes the registration file and imports its answer: all confirmed.
    login(page, "cabang")
    page.goto("/pendaftaran/cabang/")
    page.fill("#id_reason", "Berkas pendaftaran aparatur desa untuk kantor cabang")
    with page.expect_download() as download:
        page.click("#file-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert {r["NIK"] for r in rows} == set(niks)
    answer = tmp_path / "jawaban-cabang.csv"
    lines = ["REFERENSI,NO_KPJ,ALASAN"]
    lines += [f"{r['REFERENSI']},2507770{n:04d}," for n, r in enumerate(rows, start=1)]
    answer.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.goto("/impor/")
    page.select_option("#id_kind", "registration_confirmations")
    page.set_input_files("#id_file", str(answer))
    page.click("#upload-button")
    expect(page).to_have_url(re.compile(r"/impor/\d+/$"))
    expect(page.locator("#job")).to_have_attribute("data-state", "done")
    expect(page.locator("#rows-imported")).to_have_text("6")

    # 5. Back as the operator: the requests are confirmed, and from their first month the
    # officials are covered (the register was reconciled after the branch's import).
    login(page, "desa")
    page.goto(f"/pekerja-publik/badan/{body.pk}/")
    expect(page.locator("#workers tbody tr[data-registration=confirmed]")).to_have_count(6)
    expect(page.locator("#send-uncovered")).to_have_count(0)  # confirmed: not sent again
    page.fill("#id_date", first_of_next_month().isoformat())
    page.click("#day-show")
    expect(coverage_row(page, "village_official")).to_have_attribute("data-covered", "3")
    expect(coverage_row(page, "village_head")).to_have_attribute("data-covered", "1")
    expect(coverage_row(page, "rt_rw_head")).to_have_attribute("data-covered", "2")
    expect(page.locator("#coverage tfoot tr")).to_have_attribute("data-covered", "6")
    screenshot(page, "public-workers-body-covered")

    # 6. At a phone's width the body page fits.
    page.set_viewport_size(PHONE)
    page.goto(f"/pekerja-publik/badan/{body.pk}/")
    expect(page.locator("#body-name")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "public-workers-body-phone")
