"""The demo register of public-sector and village workers (``demo.public_workers``, issue 21 §6)
on the small synthetic Lampung: the published August 2025 coverage of non-ASN staff (78.3 %) and
RT/RW heads (22.1 %), real registry rows behind every covered person, NIKs that are NIKs and
collide with nobody, budget lines, and a stored reconciliation that is each person's intended
status. One build per module, rolled back at its end."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.conf import settings

from lindung.core.nik import parse_nik
from lindung.demo.accounts import demo_accounts
from lindung.demo.public_workers import (
    PUBLISHED_ON,
    RECONCILED_ON,
    SIZES,
    TARGET_PCT,
    World,
    assign_niks,
    covered_count,
    ensure_demo_public_workers,
    plan_register,
)
from lindung.demo.synthetic import last_build, registry_counts
from lindung.publicworkers.models import BudgetLine, PayingBody, PublicWorker
from lindung.publicworkers.reconcile import listed_on
from lindung.publicworkers.selectors import live_coverage
from lindung.registry.models import Employer, Membership, Person
from lindung.registry.selectors import active_on

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
DATA = Path(settings.LINDUNG_REFERENCE_DATA)
SEED = 7
REGISTRY_DAY = dt.date(2023, 12, 31)  # the synthetic registry's calibrated day


def one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _small_world() -> None:
    """What the register needs, without the demo's slower steps: Lampung's regions, the small
    registry, the rates (to price contributions) and the demo accounts (the village account's
    village is always sampled)."""
    from lindung.contributions.services import load_rate_tables
    from lindung.demo.plan import make_plan
    from lindung.demo.populations import write_populations
    from lindung.demo.services import ensure_demo_accounts
    from lindung.demo.synthetic import build_registry
    from lindung.publicworkers.rules import load_categories
    from lindung.regions.services import load_minimum_wages, load_regions, load_worker_populations

    load_categories()  # (a live-server test's flush may have removed the migration's rows)
    load_regions(DATA / "regions_lampung.csv")
    load_worker_populations(DATA / "lampung_labour.csv")
    load_minimum_wages(DATA / "lampung_minimum_wages.csv")
    plan = make_plan("small", DATA / "lampung_labour.csv")
    write_populations(plan)
    build_registry(plan, seed=SEED)
    load_rate_tables()
    ensure_demo_accounts()


@pytest.fixture(scope="module")
def built(module_db):
    _small_world()
    before = {
        "counts": registry_counts(),
        "active": Membership.objects.filter(active_on(REGISTRY_DAY)).count(),
        "niks": set(Person.objects.values_list("nik", flat=True)),
    }
    made = ensure_demo_public_workers(scale="small", seed=SEED)
    return {"made": made, "before": before}


def by_category(day: dt.date) -> dict[str, object]:
    rows, _total = live_coverage(listed_on(PublicWorker.objects.all(), day), day)
    return {r.category: r for r in rows}


def test_published_coverage_of_non_asn_and_rt_rw_heads(built) -> None:
    size = SIZES["small"]
    for day in (PUBLISHED_ON, RECONCILED_ON):
        rows = by_category(day)
        assert rows["non_asn"].total == size.non_asn
        assert rows["rt_rw_head"].total == size.rt_rw
        assert one_decimal(rows["non_asn"].coverage_pct) == Decimal("78.3")
        assert one_decimal(rows["rt_rw_head"].coverage_pct) == Decimal("22.1")
        for category in ("village_head", "village_official", "bpd_member"):
            row = rows[category]
            assert row.total and row.covered == covered_count(row.total, TARGET_PCT[category])
        # Every kind of uncovered person is there.
        assert all(rows["non_asn"].statuses[s] for s in ("other", "lapsed", "never"))
        assert all(rows["rt_rw_head"].statuses[s] for s in ("other", "lapsed", "never"))
    # Nothing of the register is listed or covered before it started.
    assert by_category(dt.date(2023, 12, 31))["non_asn"].total == 0


def test_stored_reconciliation_is_each_persons_intended_status(built) -> None:
    intended = built["made"].intended
    stored = {
        (code, nik): status
        for code, nik, status in PublicWorker.objects.values_list("body__code", "nik", "status")
    }
    assert stored == intended
    assert len(intended) == built["made"].created == PublicWorker.objects.count()
    assert set(PublicWorker.objects.values_list("reconciled_on", flat=True)) == {RECONCILED_ON}
    # The stored tally and a live reconciliation of the published month agree.
    live = by_category(PUBLISHED_ON)
    stored_counts = Counter(PublicWorker.objects.values_list("category_id", "status"))
    for category, row in live.items():
        for status, n in row.statuses.items():
            assert stored_counts[(category, status)] == n, (category, status)
    # The covered under a PU category are members under their own body's employer, with a KPJ.
    active = PublicWorker.objects.filter(status="active", category_id="non_asn")
    assert not active.filter(kpj="").exists()
    for worker in active.select_related("body")[:50]:
        assert Membership.objects.filter(
            person__nik=worker.nik, employer_id=worker.body.employer_id, segment="PU"
        ).exists()


def test_bodies_employers_and_budget_lines(built) -> None:
    regencies = PayingBody.objects.filter(kind="regency")
    assert regencies.count() == 15
    assert regencies.filter(code="PEMKAB-18.71").exists()
    villages = PayingBody.objects.filter(kind="village")
    assert 30 <= villages.count() <= 31
    own = next(a.scope[0] for a in demo_accounts() if a.role == "village_operator")
    assert villages.filter(code=f"DESA-{own}").exists()  # the demo village account's
    assert not PayingBody.objects.filter(employer__isnull=True).exists()
    npps = list(Employer.objects.values_list("npp", flat=True))
    assert all(len(n) == 8 and n.isdigit() for n in npps) and len(set(npps)) == len(npps)
    lines = BudgetLine.objects.filter(fiscal_year=2025)
    assert lines.filter(body__kind="regency", category_id="non_asn").count() == 15
    assert lines.filter(body__kind="village").exists()
    money = list(lines.values_list("planned", "realised"))
    assert all(0 <= r <= p and p > 0 for p, r in money) and any(r for _p, r in money)


def test_niks_are_valid_new_and_the_registry_day_is_untouched(built) -> None:
    before = built["before"]
    niks = list(PublicWorker.objects.values_list("nik", flat=True))
    assert len(set(niks)) == len(niks)
    for worker in PublicWorker.objects.all():
        info = parse_nik(worker.nik)
        assert (info.birth_date.strftime("%d%m%y"), info.sex) == (
            worker.birth_date.strftime("%d%m%y"), worker.sex,
        )  # fmt: skip
        assert info.province_code == "18"
    assert not set(niks) & before["niks"]
    # The never-registered have no person row; everyone else has exactly one.
    persons = set(Person.objects.filter(nik__in=niks).values_list("nik", flat=True))
    never = set(PublicWorker.objects.filter(status="never").values_list("nik", flat=True))
    assert persons == set(niks) - never
    # The calibrated 2023 registry is what it was.
    assert Membership.objects.filter(active_on(REGISTRY_DAY)).count() == before["active"]
    assert not Membership.objects.filter(
        person__nik__in=niks, start_date__lt=dt.date(2024, 1, 1)
    ).exists()
    # The reuse marker knows the rows the register added.
    assert last_build()["rows"] == registry_counts() != before["counts"]


def test_second_call_changes_nothing(built) -> None:
    counts = registry_counts(), PublicWorker.objects.count()
    assert ensure_demo_public_workers(scale="small", seed=SEED).created == 0
    assert (registry_counts(), PublicWorker.objects.count()) == counts


def test_the_plan_is_deterministic() -> None:
    world = World(
        regencies=[("18.71", "Kota Bandar Lampung"), ("18.02", "Kabupaten Lampung Tengah")],
        villages={
            "18.71": [(f"18.71.01.10{i:02d}", f"Kel {i}", "kelurahan") for i in range(1, 9)],
            "18.02": [(f"18.02.01.20{i:02d}", f"Desa {i}", "desa") for i in range(1, 9)],
        },
        districts={"18.71": ["18.71.01"], "18.02": ["18.02.01"]},
        companies={},
    )

    def plan(seed: int) -> list[tuple]:
        import random

        rng = random.Random(seed)
        _bodies, people = plan_register(world, "small", rng)
        assign_niks(world, people, rng, lambda niks: set())
        return [(p.body, p.category, p.status, p.nik, p.name) for p in people]

    first = plan(1)
    assert first == plan(1) != plan(2)
    assert len({row[3] for row in first}) == len(first)
    statuses = Counter(row[2] for row in first if row[1] == "non_asn")
    assert statuses["active"] == covered_count(SIZES["small"].non_asn, Decimal("78.3")) == 235
