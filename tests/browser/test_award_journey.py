"""The Paritrana Award end to end in the browser: the entrant (a city's manpower office) answers
its questionnaire with evidence and submits; the verifier adjusts one answer with a reason and
accepts the others; the juror declares a conflict of interest on one entry and scores the other;
the organiser's steps run through the services (its pages have their own journey); and the
public results page shows the ranking with the verifier's adjustment counted."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lindung.award import runs, services
from lindung.award.models import (
    Answer,
    AssignmentKind,
    CategoryKind,
    CriterionKind,
    EntryStatus,
    IndicatorValue,
    JuryScore,
    Result,
    StageKind,
    Verdict,
)
from lindung.core.roles import Role
from lindung.regions.models import Region
from tests.browser.conftest import MakeOfficer, login

pytestmark = pytest.mark.browser

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def entry_url(pk: int) -> str:
    return f"/penghargaan/entri/{pk}/"


def test_entrant_to_verifier_to_juror_to_results(
    page: Page,
    live_server: Any,
    make_officer: MakeOfficer,
    screenshot: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    """One whole round in the browser, as its people live it: an entrant answers with evidence,
    a verifier adjusts, two jurors score, the organiser publishes, the public reads the result.
    It takes about 10 s: some thirty page loads and form posts in Chromium, each waited for; a
    round cannot be cut into independent parts without faking its earlier stages."""
    settings.AWARD_FILES_DIR = tmp_path
    organiser = make_officer("provinsi", Role.PROVINCE_OFFICER, ["18"])
    make_officer("bandarlampung", Role.REGENCY_OFFICER, ["18.71"])
    metro_officer = make_officer("metro", Role.REGENCY_OFFICER, ["18.72"])
    verifier = make_officer("verifikator", Role.AWARD_VERIFIER, [])
    juror = make_officer("juri", Role.AWARD_JURY, [])
    second_juror = make_officer("juri2", Role.AWARD_JURY, [])
    edition = services.create_edition(
        actor=organiser,
        name="Paritrana Award Lampung 2025",
        region=Region.objects.get(code="18"),
        assessment_year=2025,
        ceremony_year=2026,
        cutoff_date=dt.date(2025, 6, 30),
        categories=[(CategoryKind.REGENCY, "")],
    )
    regency = edition.categories.get()
    city = services.add_entry(
        actor=organiser, category=regency, region=Region.objects.get(code="18.71")
    )
    metro = services.add_entry(
        actor=organiser, category=regency, region=Region.objects.get(code="18.72")
    )
    for entry in (city, metro):
        services.assign(actor=organiser, entry=entry, user=verifier, kind=AssignmentKind.VERIFIER)
        services.assign(actor=organiser, entry=entry, user=juror, kind=AssignmentKind.JUROR)
    services.assign(actor=organiser, entry=metro, user=second_juror, kind=AssignmentKind.JUROR)
    items = list(regency.criteria.filter(kind=CriterionKind.QUESTIONNAIRE))
    assert len(items) >= 3 and all(c.max_points == 4 for c in items)
    for criterion in items:  # Metro fills in its own entry (not the journey under test)
        services.answer(actor=metro_officer, entry=metro, criterion=criterion, value=2)
    services.submit_entry(actor=metro_officer, entry=metro)

    # 1. The entrant answers every item, attaches its regulation, and submits.
    login(page, "bandarlampung")
    page.goto(entry_url(city.pk))
    expect(page.locator("#entry-stage")).to_have_attribute("data-stage", "self_assessment")
    expect(page.locator("#submit-button")).to_be_disabled()
    for criterion in items:
        card = page.locator(f"#item-{criterion.code}")
        card.locator(f"#value-{criterion.code}").fill("4")
        card.locator(f"#text-{criterion.code}").fill(f"Bukti {criterion.code}")
        card.locator(".answer-form button[type=submit]").click()
        expect(page.locator(f"#item-{criterion.code}")).to_have_attribute("data-answered", "yes")
    regulation = page.locator("#item-regulation")
    regulation.locator(".evidence-form input[type=file]").set_input_files(
        files=[{"name": "perda-jamsostek.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    regulation.locator(".evidence-form button[type=submit]").click()
    expect(page.locator("#item-regulation .evidence-link")).to_have_text("perda-jamsostek.pdf")
    screenshot(page, "award-entrant")
    page.click("#submit-button")
    expect(page.locator("#entry-status")).to_have_attribute("data-status", "submitted")
    expect(page.locator(".answer-form")).to_have_count(0)
    services.advance_stage(actor=organiser, edition=edition)  # → verification

    # 2. The verifier adjusts the regulation item (a reason is required) and accepts the rest.
    login(page, "verifikator")
    page.goto("/penghargaan/verifikasi/")
    expect(page.locator("#verifications tr.assignment")).to_have_count(2)
    page.locator("#verifications .entry-link", has_text=city.name).click()
    expect(page).to_have_url(re.compile(rf"{entry_url(city.pk)}$"))
    with page.expect_download() as download:
        page.click("#item-regulation .evidence-link")
    assert Path(download.value.path()).read_bytes() == PDF
    page.select_option("#verdict-regulation", "adjusted")
    page.fill("#adjust-regulation", "2")
    page.click("#item-regulation .verify-form button[type=submit]")
    expect(page.locator(".alert").first).to_contain_text("alasan wajib diisi")
    page.select_option("#verdict-regulation", "adjusted")
    page.fill("#adjust-regulation", "2")
    page.fill("#reason-regulation", "Perda masih berupa rancangan")
    page.click("#item-regulation .verify-form button[type=submit]")
    expect(page.locator("#item-regulation .verdict")).to_have_attribute("data-verdict", "adjusted")
    for criterion in items:
        if criterion.code != "regulation":
            page.click(f"#item-{criterion.code} .verify-form button[type=submit]")
            expect(page.locator(f"#item-{criterion.code} .verdict")).to_have_attribute(
                "data-verdict", "accepted"
            )
    expect(page.locator("#entry-status")).to_have_attribute("data-status", "verified")
    screenshot(page, "award-verifier")
    for a in metro.answers.all():
        services.verify_answer(actor=verifier, answer=a, verdict=Verdict.ACCEPTED)
    services.advance_stage(actor=organiser, edition=edition)  # → interview

    # 3. The juror declares a conflict on Metro and scores the city.
    login(page, "juri")
    page.goto("/penghargaan/juri/")
    expect(page.locator("#jury-entries tr.assignment")).to_have_count(2)
    page.locator("#jury-entries .entry-link", has_text=metro.name).click()
    page.fill("#conflict-reason", "Saya pernah menjadi konsultan Pemkot Metro")
    page.click("#conflict-button")
    expect(page.locator("#conflict-notice")).to_be_visible()
    expect(page.locator(".score-form")).to_have_count(0)
    page.goto(entry_url(city.pk))
    page.fill("#score-interview", "101")
    page.click("#jury-interview .score-form button[type=submit]")
    expect(page.locator(".alert").first).to_contain_text("0–100")
    page.fill("#score-interview", "85")
    page.fill("#comment-interview", "Paparan jelas dan berbasis data")
    page.click("#jury-interview .score-form button[type=submit]")
    expect(page.locator("#jury-interview .own-score")).to_have_text(re.compile(r"^85[,.]00$"))
    page.goto("/penghargaan/juri/")
    expect(page.locator("#jury-entries tr[data-conflict=yes]")).to_have_count(1)
    expect(page.locator("#jury-entries tr[data-scored='1']")).to_have_count(1)
    screenshot(page, "award-juror")
    interview = regency.criteria.get(kind=CriterionKind.JURY)
    services.score(actor=second_juror, entry=metro, criterion=interview, value=70)
    assert not JuryScore.objects.filter(assignment__user=juror, assignment__entry=metro).exists()

    # 4. The organiser freezes the indicators, computes, finalises and publishes.
    runs.freeze_indicators(actor=organiser, edition=edition)
    run = runs.compute_run(actor=organiser, edition=edition)
    services.advance_stage(actor=organiser, edition=edition)  # → jury decision
    runs.finalise(actor=organiser, run=run)
    services.advance_stage(actor=organiser, edition=edition)  # → published
    edition.refresh_from_db()
    assert edition.stage == StageKind.PUBLISHED

    # 5. Anyone reads the results: the adjusted answer counts 2 of 4, the others 4 of 4.
    adjusted = Answer.objects.get(entry=city, criterion__code="regulation")
    assert (adjusted.value, adjusted.counted_value) == (4, 2)
    city.refresh_from_db()
    assert city.status == EntryStatus.VERIFIED
    weights = {c.pk: c.weight for c in regency.criteria.all()}
    total_weight = sum(weights.values())
    expected = sum(
        weights[c.pk] * Decimal(2 if c.code == "regulation" else 4) / 4 * 100 / total_weight
        for c in items
    ).quantize(Decimal("0.0001"))
    result = Result.objects.get(run=run, entry=city)
    assert result.questionnaire_score == expected and result.rank == 1
    # The entrant reads its frozen indicators and verdicts, never a juror's score.
    login(page, "bandarlampung")
    page.goto(entry_url(city.pk))
    indicators = regency.criteria.filter(kind=CriterionKind.INDICATOR).count()
    expect(page.locator("#indicators tbody tr")).to_have_count(indicators)
    coverage = IndicatorValue.objects.get(entry=city, criterion__code="coverage")
    population = f"{coverage.details['population']:,}".replace(",", ".")
    expect(page.locator("#indicator-coverage")).to_contain_text(population)
    expect(page.locator("#item-regulation .verdict-reason")).to_have_text(
        "Perda masih berupa rancangan"
    )
    assert "Paparan jelas" not in page.content() and page.locator("#jury").count() == 0
    screenshot(page, "award-entry-indicators")
    page.context.clear_cookies()
    page.goto(f"/penghargaan/{edition.pk}/hasil/")
    expect(page.locator("#login-link")).to_be_visible()
    row = page.locator(f"tr[data-entry='{city.pk}']")
    expect(row.locator(".rank")).to_have_text("1")
    shown = f"{expected}".replace(".", ",")
    expect(row).to_contain_text(shown)
    expect(page.locator(f"tr[data-entry='{metro.pk}'] .rank")).to_have_text("2")
    screenshot(page, "award-results")
