"""An employer registers its workers on the portal: three by form (one without JHT, so its request
carries a warning), then fifty by file with one bad row that the reject report names by its line;
the portal lists the 53 requests with their monthly contribution. The branch checks the warned
request, downloads the registration file and imports its confirmation; the employer then sees
the 53 workers active and its next bill counts them (issue 20, done-when (a)). At a phone's
360 px the portal, the form and the file's page never scroll sideways."""

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

from lindung.accounts.models import Organisation, OrganisationKind
from lindung.accounts.services import create_user
from lindung.contributions.bills.generate import generate_bills
from lindung.core.roles import Role
from lindung.regions.models import Region
from lindung.registrations.models import Channel, Registration, Status
from lindung.registry.models import Employer
from tests.browser.conftest import PASSWORD, login
from tests.registry.factories import nik_for

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
BIRTH = dt.date(1991, 6, 15)
BAD_LINE = 27  # the file's line with a wage that is not a number


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def workers_file(path: Path, village: str) -> None:
    """51 workers: 50 good, and on line 27 a wage that is not a number."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa",
                         "pekerjaan", "upah", "program", "bulan_pertama"])  # fmt: skip
        for n in range(1, 52):
            wage = "tiga juta" if n + 1 == BAD_LINE else f"{3_100_000 + n * 10_000}"
            writer.writerow([nik_for(village, 100 + n, BIRTH), f"Pekerja Pabrik {n}", "L",
                             BIRTH.isoformat(), village, "Operator mesin", wage, "",
                             "2025-03"])  # fmt: skip


@pytest.fixture
def employer_user(make_officer: Any) -> Any:
    """An employer user whose organisation owns one medium firm in Bandar Lampung."""
    village = Region.objects.filter(level="village", regency_code="18.71").order_by("code")[0]
    organisation = Organisation.objects.create(
        name="PT Kopi Lampung", kind=OrganisationKind.EMPLOYER, region=village
    )
    user = create_user(
        actor=None,
        username="pabrik",
        password=PASSWORD,
        role=Role.EMPLOYER,
        organisation=organisation,
    )
    firm = Employer(
        npp="19001234",
        name="PT Kopi Lampung",
        village=village,
        size_class="medium",
        risk_class=2,
        owner=organisation,
    )
    firm.assign_region_codes(village.code)
    firm.save()
    return user


def register_by_form(page: Page, village: str, n: int, *, without_jht: bool, last: bool) -> None:
    page.fill("#id_nik", nik_for(village, n, BIRTH))
    page.fill("#id_name", f"Pekerja Formulir {n}")
    page.select_option("#id_sex", "M")
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.fill("#id_village", village)
    page.fill("#id_occupation", "Penyangrai kopi")
    page.fill("#id_wage", "3.500.000")
    expect(page.locator("#id_programmes_3")).to_be_checked()  # JP: a medium firm
    if without_jht:
        page.uncheck("#id_programmes_2")
    page.fill("#id_first_month", "2025-03")
    page.click("#submit-worker" if last else "#submit-another")
    expect(page.locator(".alert-success")).to_have_count(1)


def test_an_employer_registers_by_form_and_by_file(
    page: Page, live_server: Any, employer_user: Any, settings: Any, screenshot: Any,
    tmp_path: Path, make_officer: Any,
) -> None:  # fmt: skip
    settings.LINDUNG_JOBS_INLINE = True  # the live server's test database is not shared
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
    firm = Employer.objects.get()
    village = firm.village_id

    # 1. The portal: the firm, no workers and no requests yet, in words.
    login(page, "pabrik")
    page.goto("/pendaftaran/pemberi-kerja/")
    expect(page.locator("#firm-name")).to_have_text("PT Kopi Lampung")
    expect(page.locator("#no-workers")).to_be_visible()
    expect(page.locator("#no-requests")).to_be_visible()

    # 2. Three workers by form; the third without JHT.
    page.click("#register-worker")
    for n in (1, 2, 3):
        register_by_form(page, village, n, without_jht=n == 3, last=n == 3)
    expect(page).to_have_url(re.compile(r"/pendaftaran/pemberi-kerja/\?npp=19001234$"))
    expect(page.locator("#requests tbody tr[data-reference]")).to_have_count(3)
    expect(page.locator(".request-warnings")).to_have_count(1)
    expect(page.locator('#requests tr[data-status="submitted"]')).to_have_count(1)
    screenshot(page, "employer-portal-form")

    # 3. Fifty by file: the bad row is reported with its line, the good ones are kept.
    path = tmp_path / "pekerja.csv"
    workers_file(path, village)
    page.click("#upload-workers")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-button")
    expect(page).to_have_url(re.compile(r"/pendaftaran/pemberi-kerja/berkas/\d+/$"))
    expect(page.locator("#job")).to_have_attribute("data-state", "done")
    expect(page.locator("#rows-read")).to_have_text("51")
    expect(page.locator("#rows-imported")).to_have_text("50")
    expect(page.locator("#rows-rejected")).to_have_text("1")
    expect(page.locator(f'#rejected-rows tr[data-line="{BAD_LINE}"]')).to_contain_text("wage")
    screenshot(page, "employer-worker-file")
    with page.expect_download() as download:
        page.click("#reject-report")
    report = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert [(int(r["line"]), r["column"]) for r in report] == [(BAD_LINE, "wage")]

    requests = Registration.objects.filter(employer=firm, channel=Channel.EMPLOYER)
    assert requests.count() == 53
    assert all(r.monthly_contribution > 0 for r in requests)
    assert requests.filter(programmes="JKK JKM JHT JP", status=Status.CHECKED).count() == 52

    # 4. The portal lists the requests (50 a page) with their contribution.
    page.goto("/pendaftaran/pemberi-kerja/")
    expect(page.locator("#requests tbody tr[data-reference]")).to_have_count(50)
    expect(page.locator("#requests-pager")).to_be_visible()
    expect(page.locator("#files li")).to_have_count(1)
    first = page.locator("#requests td[data-contribution]").first
    expect(first).to_have_text(re.compile(r"^Rp \d{1,3}(\.\d{3})+$"))

    # 5. The branch reads the warning, checks that request, and takes the registration file.
    make_officer("cabang", Role.BPJS_BRANCH, [firm.regency_code])
    page.context.clear_cookies()
    login(page, "cabang")
    page.goto("/pendaftaran/cabang/?status=submitted")
    page.locator("#registrations .check-button").click()
    page.goto("/pendaftaran/cabang/")
    expect(page.locator("#ready-count")).to_contain_text("53")
    page.fill("#id_reason", "Berkas pendaftaran kolektif PT Kopi Lampung")
    with page.expect_download() as download:
        page.click("#file-csv")
    sent = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert len(sent) == 53 and all(len(r["NIK"]) == 16 for r in sent)

    # 6. The branch's confirmation: a KPJ for every request, imported on the import page.
    answer = tmp_path / "konfirmasi-cabang.csv"
    answer.write_text(
        "REFERENSI,NO_KPJ,ALASAN\n"
        + "".join(f"{r['REFERENSI']},2501{n:07d},\n" for n, r in enumerate(sent)),
        encoding="utf-8",
    )
    page.goto("/impor/")
    page.select_option("#id_kind", "registration_confirmations")
    page.set_input_files("#id_file", str(answer))
    page.click("#upload-button")
    expect(page.locator("#job")).to_have_attribute("data-state", "done")
    expect(page.locator("#rows-imported")).to_have_text("53")

    # 7. The month's bills are made (the monthly-bills schedule's work) and the employer sees
    #    its 53 workers active and in its bill.
    month = timezone.localdate().replace(day=1)
    generate_bills(month=month)
    page.context.clear_cookies()
    login(page, "pabrik")
    page.goto("/pendaftaran/pemberi-kerja/")
    expect(page.locator("#worker-count")).to_have_text("53")
    expect(page.locator("#requests tr[data-status=confirmed]")).to_have_count(50)  # a page
    page.goto(f"/tagihan/?month={month:%Y-%m}")
    bill = page.locator("#bills tbody tr", has_text=firm.npp)
    expect(bill).to_have_count(1)
    bill.locator("a").click()
    expect(page.locator("#bill-title")).to_contain_text("PT Kopi Lampung")
    expect(page.locator("#bill-summary")).to_contain_text("53 peserta")
    screenshot(page, "employer-bill-after-confirmation")

    # 8. A phone: nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    page.goto("/pendaftaran/pemberi-kerja/")
    assert_no_sideways_scroll(page)
    screenshot(page, "employer-portal-phone")
    page.goto(f"/pendaftaran/pemberi-kerja/{firm.npp}/daftar/")
    assert_no_sideways_scroll(page)
    page.goto(f"/pendaftaran/pemberi-kerja/{firm.npp}/unggah/")
    assert_no_sideways_scroll(page)
