"""Every automatic indicator equals the figure the coverage, programme and compliance selectors
give for the edition's cut-off date (issue 9 "Done when"), on a small explicit world:

* Kota Bandar Lampung (18.71): employer A (medium, 4 PU workers since 2020, every programme),
  employer C (1 PU worker since Feb 2025, one unpaid bill), 2 BPU workers (2020 and Mar 2025),
  3 beneficiaries of the province's APBD programme from Aug 2025 (in village 18.71.01.1003);
* Kota Metro (18.72): employer B (2 PU workers without JHT).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lindung.award import runs, services
from lindung.award.indicators import SPONSOR_KINDS, own_programmes
from lindung.award.models import CategoryKind, IndicatorValue
from lindung.compliance.rates import compliance_rate, employer_compliance
from lindung.contributions.models import Bill, BillLine
from lindung.core.numbers import percent
from lindung.core.scope import SYSTEM
from lindung.coverage.selectors import figure_on
from lindung.programmes.models import Programme, ProgrammeInvoice
from lindung.programmes.outcomes import months_before, outcome_of, persons_protected
from lindung.programmes.services.money import issue_invoice, record_payment
from lindung.registry.models import Segment
from tests.award.factories import make_edition
from tests.programmes.test_enrolment import accept_all, selecting_programme
from tests.registry.factories import EmployerFactory, MembershipFactory, PersonFactory, nik_for

pytestmark = pytest.mark.engine

CUTOFF = dt.date(2025, 12, 31)
OWN_VILLAGE, FOREIGN_VILLAGE = "18.71.01.1003", "18.72.01.1001"


def member(regions, village, n, employer=None, start=dt.date(2020, 1, 1), **fields):
    person = PersonFactory(nik=nik_for(village, n), domicile=regions[village])
    segment = Segment.PU if employer else Segment.BPU
    defaults = {"jht": True, "jp": True} if employer else {}
    return MembershipFactory(
        person=person,
        employer=employer,
        segment=segment,
        work_region=regions[village],
        start_date=start,
        **{**defaults, **fields},
    )


@pytest.fixture
def world(region_tree, rates, tmp_path):
    r = region_tree
    a = EmployerFactory(name="PT Andalas", village=r[OWN_VILLAGE], size_class="medium")
    b = EmployerFactory(name="PT Bumi Metro", village=r[FOREIGN_VILLAGE])
    c = EmployerFactory(name="CV Cemara", village=r[OWN_VILLAGE])
    for i in range(4):
        member(r, OWN_VILLAGE, 100 + i, a)
    member(r, OWN_VILLAGE, 110, c, start=dt.date(2025, 2, 1))
    member(r, OWN_VILLAGE, 120)
    member(r, OWN_VILLAGE, 121, start=dt.date(2025, 3, 1))
    for i in range(2):
        member(r, FOREIGN_VILLAGE, 130 + i, b, jht=False)
    bill = Bill(
        employer=c, month=dt.date(2025, 9, 1), due_date=dt.date(2025, 10, 15), total=500_000,
        members=1, status="overdue", generated_at=timezone.now(),
    )  # fmt: skip
    bill.assign_region_codes(c.village_id)
    bill.save()
    BillLine.objects.create(bill=bill, programme="JHT", party="employer", amount=500_000)
    programme, _ = selecting_programme(r, persons=3)
    accept_all(programme, tmp_path / "jawaban.csv")
    invoice = issue_invoice(actor=SYSTEM, programme=programme, issued_on=dt.date(2025, 7, 20))
    record_payment(actor=SYSTEM, invoice=invoice, paid_on=dt.date(2025, 8, 1), amount=100_000)
    edition = make_edition(
        r["18"],
        cutoff=CUTOFF,
        kinds=(
            CategoryKind.PROVINCE,
            CategoryKind.REGENCY,
            CategoryKind.VILLAGE,
            CategoryKind.BUSINESS_LARGE,
        ),
    )
    cats = {c.kind: c for c in edition.categories.all()}
    for code in ("18",):
        services.add_entry(actor=SYSTEM, category=cats["province"], region=r[code])
    for code in ("18.71", "18.72"):
        services.add_entry(actor=SYSTEM, category=cats["regency"], region=r[code])
    for code in (OWN_VILLAGE, FOREIGN_VILLAGE):
        services.add_entry(actor=SYSTEM, category=cats["village"], region=r[code])
    for employer in (a, b, c):
        services.add_entry(actor=SYSTEM, category=cats["business_large"], employer=employer)
    runs.freeze_indicators(actor=SYSTEM, edition=edition)
    return {"edition": edition, "a": a, "b": b, "c": c, "invoice": invoice}


def frozen(edition) -> dict[tuple[str, str], IndicatorValue]:
    rows = IndicatorValue.objects.filter(entry__edition=edition).select_related(
        "entry", "criterion"
    )
    return {(iv.entry.name, iv.criterion.indicator): iv for iv in rows}


def test_region_indicators_equal_the_selectors(world, region_tree):
    values = frozen(world["edition"])
    before = months_before(CUTOFF, 12)
    for code in ("18", "18.71", "18.72"):
        name = region_tree[code].name
        now, then = figure_on(SYSTEM, code, CUTOFF), figure_on(SYSTEM, code, before)
        assert values[(name, "coverage_pct")].value == now.coverage_pct
        assert values[(name, "coverage_growth")].value == now.coverage_pct - then.coverage_pct
        assert values[(name, "bpu_pct")].value == percent(now.counts["segment_bpu"], now.population)
        programmes = own_programmes(code)
        funded = outcome_of(programmes, CUTOFF).persons_protected
        assert values[(name, "funded_per_1000")].details["persons_protected"] == funded
        rate = compliance_rate(CUTOFF, code)  # the checks run on this region alone
        assert values[(name, "compliance_pct")].value == rate.compliant_pct
        assert values[(name, "arrears_pct")].value == rate.arrears_pct
    # The figures themselves, counted by hand from the world above.
    assert values[("Kota Bandar Lampung", "coverage_pct")].details["covered"] == 10
    assert values[("Kota Metro", "coverage_pct")].details["covered"] == 2
    assert values[("Lampung", "funded_per_1000")].details["persons_protected"] == 3
    assert values[("Lampung", "funded_per_1000")].value == Decimal("0.03")  # 3000 / 100,002
    assert values[("Kota Bandar Lampung", "funded_per_1000")].value == 0
    assert values[("Lampung", "budget_spent_pct")].value == percent(100_000, 100 * 5 * 16_800)
    assert values[("Kota Bandar Lampung", "budget_spent_pct")].value is None  # no programme
    assert values[("Kota Bandar Lampung", "compliance_pct")].value == 50  # C is in arrears
    assert values[("Kota Bandar Lampung", "arrears_pct")].value == 50
    assert values[("Kota Metro", "compliance_pct")].value == 0  # B lacks JHT
    assert values[("Lampung", "compliance_pct")].value == Decimal("33.33")


def test_village_indicators_equal_the_selectors(world, region_tree):
    values = frozen(world["edition"])
    name = region_tree[OWN_VILLAGE].name
    now = figure_on(SYSTEM, OWN_VILLAGE, CUTOFF)
    then = figure_on(SYSTEM, OWN_VILLAGE, months_before(CUTOFF, 12))
    assert (now.covered, then.covered) == (10, 5)
    assert values[(name, "covered_growth_pct")].value == 100
    assert values[(name, "bpu_share_pct")].value == percent(now.counts["segment_bpu"], 10) == 50
    # The province's programme is not the village's own budget.
    assert values[(name, "funded_persons")].value == 0
    sponsored = Programme.objects.filter(funder__kind__in=SPONSOR_KINDS)
    assert values[(name, "csr_workers")].value == persons_protected(sponsored, CUTOFF, OWN_VILLAGE)


def test_company_indicators_equal_the_compliance_figures(world):
    values = frozen(world["edition"])
    for key in ("a", "b", "c"):
        employer = world[key]
        alone = employer_compliance(CUTOFF, employer.pk, region=employer.village_id)
        assert values[(employer.name, "registered_pct")].value == alone.registered_pct
        assert values[(employer.name, "wage_ok_pct")].value == alone.wage_ok_pct
        assert values[(employer.name, "programmes_pct")].value == alone.programmes_pct
        assert values[(employer.name, "arrears_rp")].value == alone.arrears_rp
        assert values[(employer.name, "findings")].value == len(alone.findings)
    assert values[("PT Andalas", "findings")].value == 0
    assert values[("PT Bumi Metro", "programmes_pct")].value == 0  # none of its 2 has JHT
    assert values[("CV Cemara", "arrears_rp")].value >= 500_000  # unpaid, plus the fine
    assert ProgrammeInvoice.objects.count() == 1
