"""The Paritrana Award from the organiser's side in the browser: the province opens its edition,
changes a weight with a reason, nominates a regency, assigns a verifier and a juror, freezes the
indicators, moves through the stages, computes a run and reads its audit and sensitivity, makes
it final and publishes; then anyone reads the results and downloads a certificate."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lindung.accounts.services import create_user
from lindung.award import services
from lindung.award.models import Assignment, CategoryKind, Criterion, Entry, ScoringRun, StageKind
from lindung.core.models import AuditLog
from lindung.core.roles import Role
from lindung.regions.models import Region
from tests.browser.conftest import PASSWORD, MakeOfficer, login

pytestmark = pytest.mark.browser


def test_organiser_runs_a_round_and_the_public_reads_it(
    page: Page, live_server: Any, make_officer: MakeOfficer, screenshot: Any, settings: Any
) -> None:
    settings.LINDUNG_JOBS_INLINE = True  # freezing and computing are jobs; no worker here
    make_officer("provinsi", Role.PROVINCE_OFFICER, ["18"])
    verifier = create_user(actor=None, username="verifikator", password=PASSWORD,
                           role=Role.AWARD_VERIFIER)  # fmt: skip
    juror = create_user(actor=None, username="juri", password=PASSWORD, role=Role.AWARD_JURY)
    cutoff = dt.date(2025, 6, 30)
    edition = services.create_edition(
        actor=None,
        name="Paritrana Award Lampung 2025",
        region=Region.objects.get(code="18"),
        assessment_year=2025,
        ceremony_year=2026,
        cutoff_date=cutoff,
        categories=[(CategoryKind.REGENCY, ""), (CategoryKind.VILLAGE, "")],
        stages={StageKind.SELF_ASSESSMENT: (cutoff, cutoff + dt.timedelta(days=30))},
    )
    regency = edition.categories.get(kind=CategoryKind.REGENCY)
    for code in ("18.71", "18.72"):
        services.add_entry(actor=None, category=regency, region=Region.objects.get(code=code))
    coverage = regency.criteria.get(code="coverage")

    # 1. The province opens its edition from the award home page.
    login(page, "provinsi")
    page.goto("/penghargaan/")
    page.click(f"#editions tr[data-edition='{edition.pk}'] .edition-link")
    expect(page.locator("#edition-stage")).to_have_attribute("data-stage", "self_assessment")

    # 2. It raises the weight of coverage, with a reason.
    form = page.locator(f"#weight-form-{coverage.pk}")
    form.locator("input[name=weight]").fill("25")
    form.locator("input[name=reason]").fill("Cakupan adalah tujuan utama")
    form.locator("button").click()
    expect(page.locator(f"#weight-{coverage.pk}")).to_have_text(re.compile(r"^25[.,]00$"))
    assert AuditLog.objects.get(action="award.criterion.weight").reason == (
        "Cakupan adalah tujuan utama"
    )

    # 3. It nominates Lampung Selatan from the data.
    page.select_option("#entry-category", str(regency.pk))
    page.fill("#entry-region", "18.01")
    page.click("#add-entry")
    nominated = Entry.objects.get(edition=edition, subject_region_id="18.01")
    expect(page.locator(f"#entries tr[data-entry='{nominated.pk}']")).to_contain_text(
        "Kabupaten Lampung Selatan"
    )

    # 4. It assigns a verifier and a juror to the nominated regency.
    for user, kind in ((verifier, "verifier"), (juror, "juror")):
        page.select_option("#assign-entry", str(nominated.pk))
        page.select_option("#assign-user", str(user.pk))
        page.select_option("#assign-kind", kind)
        page.click("#assign-button")
        expect(
            page.locator(f"#entries tr[data-entry='{nominated.pk}'] .assignments")
        ).to_contain_text(user.username)
    assert Assignment.objects.filter(entry=nominated).count() == 2
    screenshot(page, "award-edition")

    # 5. It freezes the indicators at the cut-off date and moves to the jury decision.
    page.click("#freeze-indicators")  # a job: its page links to the edition
    expect(page.locator("#job-state")).to_have_text("Selesai")
    page.click("#job-result")
    expect(page.locator("#frozen")).not_to_have_attribute("data-values", "0")
    for stage in ("verification", "interview", "jury_decision"):
        page.click("#advance-stage")
        expect(page.locator("#edition-stage")).to_have_attribute("data-stage", stage)
        if stage == "interview":  # the juror interviews the nominee (its own pages: portal)
            interview = regency.criteria.get(code="interview")
            services.score(actor=juror, entry=nominated, criterion=interview, value=80)

    # 6. It computes a run: the audit, the recomputation check and the sensitivity.
    page.click("#compute-run")  # a job: its page links to the new run
    expect(page.locator("#job-state")).to_have_text("Selesai")
    page.click("#job-result")
    expect(page.locator("#recompute")).to_have_attribute("data-same", "yes")
    run = ScoringRun.objects.get(edition=edition)
    expect(page.locator("#inputs-sha256")).to_have_text(run.inputs_sha256)
    block = page.locator(f".category-block[data-category='{regency.pk}']")
    expect(block.locator(".ranking tbody tr")).to_have_count(3)
    expect(block.locator(".stable-badge")).to_have_count(1)
    rows = 2 * Criterion.objects.filter(category=regency).count()
    expect(block.locator(".sensitivity tbody tr")).to_have_count(rows)
    block.locator(".audit summary").first.click()
    expect(block.locator(".audit").first.locator("tr[data-code='coverage']")).to_be_visible()
    screenshot(page, "award-run")

    # 7. It makes the run final and publishes the results.
    page.click("#finalise-run")
    expect(page.locator("#run-final")).to_be_visible()
    page.click(f"#award-nav a[href='/penghargaan/{edition.pk}/']")
    page.click("#advance-stage")
    expect(page.locator("#edition-stage")).to_have_attribute("data-stage", "published")
    expect(page.locator("#results-link")).to_be_visible()

    # 8. Anyone reads the results and downloads the winner's certificate.
    page.context.clear_cookies()
    page.goto(f"/penghargaan/{edition.pk}/hasil/")
    table = page.locator(f".results-category[data-category='{regency.pk}']")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tr.winner")).to_have_count(3)  # three places awarded
    screenshot(page, "award-results")
    first = run.results.get(rank=1)
    assert first.entry == nominated
    link = table.locator(f"tr[data-entry='{first.entry_id}'] .certificate-link")
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body())).pages)
    text = " ".join(text.split())
    assert "Kabupaten Lampung Selatan" in text and "Peringkat I (Pertama)" in text
