"""The branch hands the checked requests over and brings the answer back: the officer opens the
worklist, takes the registration file (its columns from the layout data, full NIKs), uploads the
branch's answer on the import page, and sees the requests confirmed or rejected."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lindung.core.roles import Role
from lindung.regions.models import Region
from lindung.registrations import handoff, services
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registry.models import Membership
from tests.browser.conftest import MakeOfficer, login
from tests.registrations.factories import bpu_draft

pytestmark = pytest.mark.browser

LAYOUT = Path(handoff.__file__).parent / "data" / "registration_file.csv"
KPJ = "25012345601"


def layout_headers() -> list[str]:
    lines = [line for line in LAYOUT.read_text("utf-8").splitlines() if line.strip()]
    return [row["header"] for row in csv.DictReader(x for x in lines if not x.startswith("#"))]


def request_for(village: Region, n: int) -> Registration:
    return services.submit(
        actor=None,
        channel=Channel.SELF,
        draft=bpu_draft(village, n, first_month=dt.date(2025, 3, 1)),
        payer=Payer.SELF,
        consent=services.ConsentGiven(text_version="2025-01"),
        email=f"warga{n}@example.org",
    )


def test_the_branch_hands_requests_over_and_records_the_answer(
    page: Page,
    live_server: Any,
    make_officer: MakeOfficer,
    settings: Any,
    tmp_path: Path,
    screenshot: Any,
) -> None:
    settings.LINDUNG_JOBS_INLINE = True  # the live server's test database is not shared
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
    make_officer("cabang", Role.BPJS_BRANCH, ["18.71"])
    village = Region.objects.filter(level="village", regency_code="18.71").order_by("code")[0]
    first, second = request_for(village, 7001), request_for(village, 7002)
    assert first.status == second.status == Status.CHECKED

    # 1. The worklist: both requests, masked, ready for the file.
    login(page, "cabang")
    page.goto("/pendaftaran/cabang/")
    expect(page.locator("#registrations tbody tr[data-status=checked]")).to_have_count(2)
    expect(page.locator("#ready-count")).to_contain_text("2")
    expect(page.locator("#layout-unconfirmed")).to_contain_text("belum dikonfirmasi")
    assert first.nik not in page.content()
    screenshot(page, "registration-branch-worklist")

    # 2. The registration file, with a reason: the layout's columns and full NIKs.
    page.fill("#id_reason", "Berkas pendaftaran kolektif untuk kantor cabang")
    with page.expect_download() as download:
        page.click("#file-csv")
    text = Path(download.value.path()).read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == layout_headers()
    assert {(r["REFERENSI"], r["NIK"]) for r in rows} == {
        (first.reference, first.nik),
        (second.reference, second.nik),
    }
    page.goto("/pendaftaran/cabang/")
    expect(page.locator("#registrations tbody tr[data-status=sent]")).to_have_count(2)
    expect(page.locator("#file-form")).to_have_count(0)  # nothing left to send

    # 3. The branch's answer on the import page: one confirmed, one rejected.
    answer = tmp_path / "jawaban-cabang.csv"
    answer.write_text(
        "REFERENSI,NO_KPJ,ALASAN\n"
        f"{first.reference},{KPJ},\n"
        f"{second.reference},,NIK tidak ditemukan di Dukcapil\n",
        encoding="utf-8",
    )
    page.goto("/impor/")
    page.select_option("#id_kind", "registration_confirmations")
    page.set_input_files("#id_file", str(answer))
    page.click("#upload-button")
    expect(page).to_have_url(re.compile(r"/impor/\d+/$"))
    expect(page.locator("#job")).to_have_attribute("data-state", "done")
    expect(page.locator("#rows-imported")).to_have_text("2")

    # 4. Back on the worklist: confirmed (KPJ masked) and rejected (with the reason).
    page.goto("/pendaftaran/cabang/?status=confirmed")
    confirmed = page.locator(f"#registrations tr[data-reference='{first.reference}']")
    expect(confirmed).to_have_attribute("data-status", "confirmed")
    expect(confirmed).to_contain_text("********601")
    expect(page.locator("#registrations tbody tr[data-status]")).to_have_count(1)
    page.goto("/pendaftaran/cabang/?status=rejected")
    rejected = page.locator(f"#registrations tr[data-reference='{second.reference}']")
    expect(rejected).to_contain_text("NIK tidak ditemukan di Dukcapil")
    screenshot(page, "registration-branch-answered")

    membership = Membership.objects.get(kpj=KPJ)
    assert membership.person.nik == first.nik and membership.start_date == dt.date(2025, 3, 1)
