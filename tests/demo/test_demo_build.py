"""The synthetic Lampung demo at small scale (1 %): exact counts, shapes, NIKs, region columns,
determinism and reuse. One build per module; tests that rebuild run inside their own rollback."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation

from lindung.accounts.models import User
from lindung.core import regioncodes
from lindung.core.ages import AGE_BANDS, AGE_LABELS, age_cutoff
from lindung.core.models import AuditLog
from lindung.demo import plan as demo_plan
from lindung.demo.audit import DemoAudit
from lindung.demo.plan import largest_remainder, make_plan, scaled
from lindung.demo.services import DEMO_EMPLOYER, demo_accounts
from lindung.demo.synthetic import DemoError, build_registry
from lindung.regions.models import Level, Region, WorkerPopulation
from lindung.registry.exports import PERSON_COLUMNS
from lindung.registry.models import Employer, Membership, Person
from lindung.registry.selectors import active_on
from tests.accounts.checks import check_demo_users

DATA = Path(settings.LINDUNG_REFERENCE_DATA)
LABOUR = DATA / "lampung_labour.csv"
DAY = dt.date(2023, 12, 31)
SEED = 7
ACTIVE_SMALL = 7_320  # round(731,991 × 1 %)
POTENTIAL_SMALL = 27_323  # round(2,732,329 × 1 %)
EMPLOYED = 4_697_660  # BPS Aug 2023, published: not scaled

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


BUILD_LOG: dict[str, str] = {}  # what the module's build wrote on stderr


def demo_command(data_dir: Path, *args: str, err: StringIO | None = None) -> dict:
    out = StringIO()
    call_command(
        "demo", "build", "--scale", "small", "--data-dir", str(data_dir), "--format", "json",
        *args, stdout=out, stderr=err or StringIO(),
    )  # fmt: skip
    return json.loads(out.getvalue())  # exactly one JSON object, nothing else


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The shipped data, with the Lampung subset standing in for the national list (fast).
    path = tmp_path_factory.mktemp("data")
    for source in DATA.iterdir():
        (path / source.name).symlink_to(source)
    (path / "regions.csv").unlink()
    (path / "regions.csv").symlink_to(DATA / "regions_lampung.csv")
    return path


@pytest.fixture(scope="module")
def built(module_db, data_dir: Path):
    """One small build for the module, rolled back at its end so other modules see no trace.

    It takes 15 s on SQLite and 30–50 s on PostgreSQL here (the whole small demo: regions,
    boundaries, 27,323 persons with their memberships, programmes, compliance, award), reported
    as the setup of the module's first test; the module's 18 tests share it."""
    err = StringIO()
    result = demo_command(data_dir, "--seed", str(SEED), err=err)
    BUILD_LOG["stderr"] = err.getvalue()
    return result


def registry_own_members():
    """The synthetic registry's memberships: not a programme's enrolment, not the demo register's
    covered public workers."""
    from lindung.publicworkers.models import PublicWorker

    return Membership.objects.filter(enrolment__isnull=True).exclude(
        person__nik__in=PublicWorker.objects.values("nik")
    )


def registry_employers():
    """The synthetic registry's employers (not the demo register's paying bodies)."""
    from lindung.publicworkers.models import PayingBody

    return Employer.objects.exclude(pk__in=PayingBody.objects.values("employer_id"))


def active_person_ids() -> set[int]:
    return set(Membership.objects.filter(active_on(DAY)).values_list("person_id", flat=True))


def nik_set() -> set[str]:
    return set(Person.objects.values_list("nik", flat=True))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# -- the plan (no database) ----------------------------------------------------------------------
def test_largest_remainder_sums_exactly_and_stays_proportional() -> None:
    parts = largest_remainder(10, [1, 1, 1])
    assert parts == [4, 3, 3]  # the leftover unit goes to the first of equal remainders
    parts = largest_remainder(731_991, [1_124_683, 1_394_395, 177_430])
    assert sum(parts) == 731_991
    assert parts[1] > parts[0] > parts[2]
    with pytest.raises(ValueError):
        largest_remainder(5, [0, 0])


def test_full_plan_hits_the_published_totals() -> None:
    plan = make_plan("full", LABOUR)
    assert plan.active_total == sum(r.active for r in plan.regencies) == 731_991
    assert plan.potential_total == sum(r.potential for r in plan.regencies) == 2_732_329
    assert round(plan.active_total / plan.potential_total * 100, 2) == 26.79
    assert sum(r.employed for r in plan.regencies) == EMPLOYED
    bandar_lampung = next(r for r in plan.regencies if r.code == "18.71")
    assert (bandar_lampung.employed, bandar_lampung.employed_published) == (563_040, True)
    assert sum(plan.segments.values()) == plan.active_total + plan.dual
    assert 13_000 <= sum(r.employers[0] for r in plan.regencies) <= 13_300
    small = make_plan("small", LABOUR)
    assert (small.active_total, small.potential_total) == (ACTIVE_SMALL, POTENTIAL_SMALL)
    assert scaled(731_991, 1) == ACTIVE_SMALL
    with pytest.raises(ValueError):
        make_plan("huge", LABOUR)


# -- the build -----------------------------------------------------------------------------------
def test_command_reports_each_step(built: dict) -> None:
    assert {"regions", "labour", "populations", "registry"} <= set(built)
    registry = built["registry"]
    assert registry["extra"]["reused"] is False
    assert registry["extra"]["active_persons"] == ACTIVE_SMALL
    # The registry's own rows: the demo programme's enrolments add members (and new persons)
    # through the branch's confirmation file afterwards.
    # The demo register of public workers (``demo.public_workers``) adds its covered persons,
    # their memberships and an employer per paying body afterwards too.
    registry_members = registry_own_members()
    registry_persons = Person.objects.filter(memberships__in=registry_members).distinct()
    assert registry["created"] == registry_persons.count() + registry_members.count() + (
        registry_employers().count()
    )
    assert built["public_workers"]["created"] > 0


def test_exactly_the_planned_active_persons_on_the_day(built: dict) -> None:
    active = active_person_ids()
    assert len(active) == ACTIVE_SMALL
    through_person = Person.objects.filter(active_on(DAY, "memberships__")).distinct().count()
    assert through_person == ACTIVE_SMALL
    potential = WorkerPopulation.objects.get(
        region_id="18", kind_id="bpjs_potential_workers", reference_date=DAY
    ).value
    assert round(len(active) / potential * 100, 2) == 26.79
    # The boundary rows exist, so a wrong definition would give another count.
    assert Membership.objects.filter(start_date=DAY).exists()
    assert Membership.objects.filter(end_date=DAY).exists()
    assert Membership.objects.filter(end_date=DAY + dt.timedelta(days=1)).exists()
    wrong = Membership.objects.filter(start_date__lte=DAY, end_date__gte=DAY) | (
        Membership.objects.filter(start_date__lte=DAY, end_date__isnull=True)
    )
    assert wrong.values("person_id").distinct().count() != ACTIVE_SMALL
    # Former members and later joiners are there but not counted.
    assert Person.objects.count() > ACTIVE_SMALL * 1.3
    former = Person.objects.exclude(pk__in=active).filter(memberships__end_date__lte=DAY)
    joiners = Person.objects.exclude(pk__in=active).filter(memberships__start_date__gt=DAY)
    assert former.exists() and joiners.exists()


def test_people_with_two_memberships_count_once(built: dict) -> None:
    active = Membership.objects.filter(active_on(DAY))
    per_person = Counter(active.values_list("person_id", flat=True))
    doubles = [pid for pid, n in per_person.items() if n > 1]
    assert len(doubles) >= 50  # 1.5 % of 7,320
    assert active.count() == ACTIVE_SMALL + len(doubles)
    segments = defaultdict(set)
    for pid, segment in active.filter(person_id__in=doubles).values_list("person_id", "segment"):
        segments[pid].add(segment)
    assert all(s == {"PU", "BPU"} for s in segments.values())


def test_regencies_sum_to_the_total_and_follow_the_september_2024_shape(built: dict) -> None:
    plan = make_plan("small", LABOUR)
    active = Membership.objects.filter(active_on(DAY))
    by_membership = dict(
        active.values_list("regency_code").annotate(n=Count("person_id", distinct=True))
    )
    by_domicile = dict(
        Person.objects.filter(pk__in=active_person_ids())
        .values_list("regency_code")
        .annotate(n=Count("id"))
    )
    expected = {r.code: r.active for r in plan.regencies}
    assert by_membership == by_domicile == expected
    assert sum(by_membership.values()) == ACTIVE_SMALL
    potential = dict(
        WorkerPopulation.objects.filter(kind_id="bpjs_potential_workers", reference_date=DAY)
        .exclude(region_id="18")
        .values_list("region_id", "value")
    )
    coverage = {code: by_membership[code] / potential[code] * 100 for code in expected}
    # Each regency's coverage is its September 2024 percentage times one common factor, up to
    # one person of rounding.
    factor = ACTIVE_SMALL / sum(
        potential[r.code] * r.coverage_pct_x100 / 100 for r in plan.regencies
    )
    for r in plan.regencies:
        target = r.coverage_pct_x100 * factor  # percent
        assert abs(coverage[r.code] - target) <= 100 / potential[r.code] + 1e-9, r.code
    ranked = sorted(coverage, key=coverage.get)
    assert ranked[0] == "18.13"  # Pesisir Barat, 1.9 % in September 2024
    assert set(ranked[-2:]) == {"18.71", "18.72"}  # the two cities
    assert coverage["18.07"] < coverage["18.08"] < coverage["18.10"] < coverage["18.06"]


def test_segment_mix_follows_the_october_2024_split(built: dict) -> None:
    persons = dict(
        Membership.objects.filter(active_on(DAY))
        .values_list("segment")
        .annotate(n=Count("person_id", distinct=True))
    )
    total = sum(persons.values())
    published = dict(demo_plan.SEGMENT_SPLIT)
    published_total = sum(published.values())
    for segment, count in published.items():
        assert abs(persons[segment] / total - count / published_total) < 0.01, segment
    assert set(persons) == {"PU", "BPU", "JAKON"}


def test_sex_and_age_of_active_persons(built: dict) -> None:
    people = Person.objects.filter(pk__in=active_person_ids())
    sexes = Counter(people.values_list("sex", flat=True))
    assert abs(sexes["M"] / ACTIVE_SMALL - 0.7284) < 0.02
    ages = [age_on(b, DAY) for b in people.values_list("birth_date", flat=True)]
    assert min(ages) >= 15 and max(ages) <= 65
    assert 30 <= sorted(ages)[len(ages) // 2] <= 42  # a working-age median


def test_niks_are_well_formed_and_follow_the_registration_district(built: dict) -> None:
    districts = set(
        Region.objects.filter(level="district", province_code="18").values_list("code", flat=True)
    )
    rows = list(Person.objects.values_list("nik", "sex", "birth_date", "district_code"))
    same_district = 0
    for nik, sex, birth, district in rows:
        assert len(nik) == 16 and nik.isascii() and nik.isdigit(), nik
        assert f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}" in districts, nik
        day = int(nik[6:8]) - (40 if sex == "F" else 0)
        assert (day, int(nik[8:10]), int(nik[10:12])) == (birth.day, birth.month, birth.year % 100)
        assert int(nik[12:]) >= 1
        same_district += nik[:6] == district.replace(".", "")
    assert len({r[0] for r in rows}) == len(rows)
    assert 0.9 < same_district / len(rows) < 1  # a few registered elsewhere
    # Pesisir Barat (split from Lampung Barat) still has residents with 18.04 NIKs.
    pesisir = Person.objects.filter(regency_code="18.13")
    assert pesisir.filter(nik__startswith="1804").exists()
    assert not Person.objects.exclude(regency_code="18.13").filter(name="").exists()


def test_region_columns_follow_the_village_on_every_row(built: dict) -> None:
    columns = tuple(regioncodes.LEVEL_COLUMNS.values())
    checks = (
        (Person, "domicile_id"),
        (Membership, "work_region_id"),
        (Employer, "village_id"),
    )
    villages = set(Region.objects.filter(level="village").values_list("code", flat=True))
    for model, village_field in checks:
        rows = model.objects.values_list(village_field, *columns)
        assert rows, model
        for village, *codes in rows:
            assert village in villages
            assert tuple(codes) == tuple(regioncodes.level_codes(village).values()), village


def test_memberships_have_the_right_employer_funding_and_history(built: dict) -> None:
    ms = Membership.objects.filter(enrolment__isnull=True)  # the registry's, not the programmes'
    assert not ms.filter(segment__in=["PU", "JAKON"], employer__isnull=True).exists()
    assert not ms.filter(segment="BPU", employer__isnull=False).exists()
    assert set(ms.filter(segment="PU").values_list("funding", flat=True)) == {"employer"}
    bpu_funding = Counter(ms.filter(segment="BPU").values_list("funding", flat=True))
    assert set(bpu_funding) == {"self", "programme"}
    assert bpu_funding["programme"] / sum(bpu_funding.values()) < 0.05
    jakon_kbli = set(ms.filter(segment="JAKON").values_list("employer__kbli", flat=True))
    assert all(k[:2] in {"41", "42", "43"} for k in jakon_kbli)
    # BPU lapses after 3 unpaid months end on the first of a month.
    lapsed = ms.filter(segment="BPU", end_reason__startswith="menunggak")
    assert lapsed.exists()
    assert {d.day for d in lapsed.values_list("end_date", flat=True)} == {1}
    assert ms.filter(start_date__lt=dt.date(2022, 1, 1), end_date__isnull=False).exists()
    assert ms.filter(end_reason="pindah kerja / changed job").exists()
    assert ms.filter(start_date__gt=dt.date(2025, 1, 1)).exists()
    wages = list(ms.filter(segment="BPU").values_list("wage", flat=True))
    assert Counter(wages)[1_000_000] / len(wages) > 0.7
    pu_wages = sorted(ms.filter(segment="PU", start_date__year=2023).values_list("wage", flat=True))
    assert 2_600_000 <= pu_wages[len(pu_wages) // 2] <= 3_500_000


def test_employers_have_sizes_risk_classes_and_one_belongs_to_the_demo_account(
    built: dict,
) -> None:
    statuses = Counter(registry_employers().values_list("status", flat=True))
    assert 130 <= statuses["active"] <= 145 and statuses["inactive"] and statuses["closed"]
    assert set(Employer.objects.values_list("size_class", flat=True)) == {
        "micro", "small", "medium", "large",
    }  # fmt: skip
    assert set(Employer.objects.values_list("risk_class", flat=True)) == {1, 2, 3, 4, 5}
    npps = list(Employer.objects.values_list("npp", flat=True))
    assert all(len(n) == 8 and n.isdigit() for n in npps) and len(set(npps)) == len(npps)
    owned = Employer.objects.get(owner__name=DEMO_EMPLOYER)
    assert owned.regency_code == "18.71" and owned.memberships.exists()


def test_demo_population_rows_sum_exactly(built: dict) -> None:
    # The province and its regencies; districts and villages are the denominators step's.
    potential = WorkerPopulation.objects.filter(
        kind_id="bpjs_potential_workers",
        reference_date=DAY,
        region__level__in=[Level.PROVINCE, Level.REGENCY],
    )
    province = potential.get(region_id="18")
    regencies = potential.filter(region__level=Level.REGENCY)
    assert province.value == sum(regencies.values_list("value", flat=True)) == POTENTIAL_SMALL
    assert regencies.count() == 15
    assert all(
        "Lindung demo" in s and "Berdikari" in s for s in potential.values_list("source", flat=True)
    )
    employed = WorkerPopulation.objects.filter(
        kind_id="bps_employed_persons", reference_date=dt.date(2023, 8, 31)
    )
    assert employed.get(region_id="18").value == EMPLOYED
    regency_rows = employed.filter(region__level=Level.REGENCY)
    assert regency_rows.count() == 15
    assert sum(regency_rows.values_list("value", flat=True)) == EMPLOYED
    assert regency_rows.get(region_id="18.71").source.startswith("https://")  # the file's row
    assert regency_rows.filter(source__startswith="Lindung demo").count() == 14
    # Split by Dukcapil population: the larger regency has more workers.
    values = dict(regency_rows.values_list("region_id", "value"))
    assert values["18.02"] > values["18.01"] > values["18.13"]


def test_demo_has_the_provinces_programmes_and_its_coverage_facts(built: dict) -> None:
    from lindung.coverage.models import CoverageFact
    from lindung.demo.programmes import DEMO_PROGRAMMES
    from lindung.programmes.models import Programme

    # Full scale: the published programmes (domain.md §5.5); small scale: 1 % of each.
    published = {p.title: (p.year, p.persons, p.months) for p in DEMO_PROGRAMMES}
    assert published["Perlindungan pekerja rentan 2023"] == (2023, 14_700, 10)
    assert published["Pekerja perkebunan sawit 2024"] == (2024, 22_100, 5)
    plans = {
        p.name: (p.target_count, p.funded_months, p.monthly_premium, p.budget, p.status)
        for p in Programme.objects.filter(name__in=published)
    }
    assert plans == {
        "Perlindungan pekerja rentan 2023": (147, 10, 16_800, 147 * 10 * 16_800, "closed"),
        "Pekerja perkebunan sawit 2024": (221, 5, 16_800, 221 * 5 * 16_800, "paying"),
        "Mustahik pekerja Bandar Lampung": (5, 6, 16_800, 5 * 6 * 16_800, "selecting"),
    }
    assert Programme.objects.filter(funder__kind="apbdes", status="selecting").count() == 1
    # The province's month-end fact on the published day equals the active persons.
    fact = CoverageFact.objects.get(region_id="18", month=DAY)
    assert fact.covered == ACTIVE_SMALL


def test_demo_registrations_feed_a_real_funnel_without_moving_coverage(built: dict) -> None:
    from lindung.core.scope import SYSTEM
    from lindung.coverage.models import CoverageFact
    from lindung.registrations.funnel import funnel
    from lindung.registrations.models import Registration

    assert built["registrations"]["created"] == Registration.objects.count() > 100
    data = funnel(SYSTEM, region="18")
    total = data["total"]
    assert 0 < total["rejected"] < total["confirmed"] <= total["sent"] <= total["submitted"]
    channels = {row["channel"] for row in data["channels"] if row["submitted"]}
    assert channels == {"self", "village", "employer", "officer"}
    # Confirmed requests link the registry's own memberships (their KPJ, their first month).
    confirmed = Registration.objects.filter(status="confirmed").select_related("membership")
    assert all(r.membership.kpj == r.kpj for r in confirmed)
    assert all(r.first_month == r.membership.start_date.replace(day=1) for r in confirmed)
    assert CoverageFact.objects.get(region_id="18", month=DAY).covered == ACTIVE_SMALL
    assert Registration.objects.filter(status__in=("submitted", "checked", "sent")).exists()


def test_the_build_says_each_step_with_what_it_made_and_its_time(built: dict) -> None:
    from lindung.demo.services import STEPS

    lines = BUILD_LOG["stderr"].splitlines()
    for index, step in enumerate(STEPS, start=1):
        [line] = [x for x in lines if x.startswith(f"[{index:>2}/{len(STEPS)}] {step.name} ")]
        assert " s (CPU " in line, line
    registry = next(x for x in lines if "] registry " in x)
    assert "persons, " in registry and "memberships, " in registry and "employers" in registry
    assert lines[-1].startswith("Demo: ")


def test_demo_bills_are_what_generate_bills_makes(built: dict) -> None:
    """The demo writes its six months of bills set-based (``write_bills``); the engine's own
    writer, run over a month the demo wrote, finds every bill as it would have made it."""
    from lindung.contributions.bills.generate import generate_bills
    from lindung.contributions.models import Bill
    from lindung.demo.compliance import write_bills

    month = dt.date(2024, 1, 1)  # after the demo's months: no bills, no payments yet
    [run] = write_bills([month])
    assert run.created == Bill.objects.filter(month=month).count() > 100
    again = generate_bills(month=month)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert (again.unchanged, again.total, again.lines) == (run.created, run.total, run.lines)
    with pytest.raises(ValueError):
        write_bills([month])


def test_second_build_with_the_same_seed_reuses_everything(built: dict, data_dir: Path) -> None:
    niks, audits = nik_set(), AuditLog.objects.filter(action=DemoAudit.BUILD).count()
    again = demo_command(data_dir, "--seed", str(SEED))
    for step, counts in again.items():
        assert (counts["created"], counts["updated"]) == (0, 0), step
    for step, counts in again.items():
        assert counts["unchanged"] == built[step]["created"] + built[step]["updated"], step
    assert set(again) >= {"regions", "village_boundaries", "crosswalk", "labour"}
    assert built["regions"]["created"] == Region.objects.count() > 2_000
    # The demo accounts once each, as the demo lists them.
    assert User.objects.count() == len(demo_accounts())
    check_demo_users()
    registry = again["registry"]
    assert registry["extra"]["reused"] is True
    # Reused: its own rows, though the demo programmes have enrolled members since.
    assert Membership.objects.filter(enrolment__isnull=False).exists()
    assert registry["unchanged"] == built["registry"]["created"]
    assert registry["sha256"] == built["registry"]["sha256"]
    assert nik_set() == niks
    assert AuditLog.objects.filter(action=DemoAudit.BUILD).count() == audits


def test_same_seed_same_rows_other_seed_other_rows(built: dict) -> None:
    # The registry's own rows (a rebuild drops the demo programmes' enrolled members and the
    # demo register's covered public workers).
    registry_members = registry_own_members()
    first = set(registry_members.values_list("person__nik", flat=True))
    fields = ("person__nik", "segment", "kpj", "wage", "start_date", "end_date", "work_region_id")
    first_rows = sorted(registry_members.values_list(*fields))
    plan = make_plan("small", LABOUR)

    other = build_registry(plan, seed=SEED + 1)
    assert other.extra["active_persons"] == ACTIVE_SMALL
    assert len(nik_set() & first) < len(first) // 10
    assert other.sha256 != built["registry"]["sha256"]

    same = build_registry(plan, seed=SEED)
    assert same.created == built["registry"]["created"]
    assert same.sha256 == built["registry"]["sha256"]
    assert nik_set() == first
    assert sorted(Membership.objects.values_list(*fields)) == first_rows


def test_build_refuses_to_replace_rows_it_did_not_make(built: dict) -> None:
    village = Region.objects.filter(level="village").first()
    # An explicit id: an earlier test's rebuild reset PostgreSQL's sequence, and sequences are
    # not rolled back with that test's savepoint (the programmes' members sit above it).
    Person.objects.create(
        id=Person.objects.order_by("-id").values_list("id", flat=True)[0] + 1,
        nik="1871010101900001", name="Bukan Demo", sex="M", birth_date=dt.date(1990, 1, 1),
        domicile=village, **regioncodes.level_codes(village.code),
    )  # fmt: skip
    plan = make_plan("small", LABOUR)
    with pytest.raises(DemoError):
        build_registry(plan, seed=SEED)  # even the same seed: the counts no longer match
    result = build_registry(plan, seed=SEED, rebuild=True)
    assert result.extra["reused"] is False
    assert not Person.objects.filter(name="Bukan Demo").exists()
    assert len(active_person_ids()) == ACTIVE_SMALL


def test_demo_programmes_went_through_selection_enrolment_and_payment(built: dict) -> None:
    from lindung.programmes.models import (
        Claim,
        Decision,
        Enrolment,
        Programme,
        ProgrammeInvoice,
        RunStatus,
    )

    by_name = {p.name: p for p in Programme.objects.all()}
    assert by_name["Perlindungan pekerja rentan 2023"].status == "closed"
    sawit = by_name["Pekerja perkebunan sawit 2024"]
    assert sawit.status == "paying" and sawit.target_count == 221  # 1 % of 22,100
    run = sawit.runs.get(status=RunStatus.APPROVED)
    assert run.selected == Enrolment.objects.filter(programme=sawit).count() > 0
    assert run.selected <= sawit.target_count
    # Every decision has a reason; the plantation rule excluded other occupations.
    assert not Decision.objects.filter(run=run, reason="").exists()
    assert Decision.objects.filter(run=run, reason="occupation").exists()
    accepted = Enrolment.objects.filter(programme=sawit, status="accepted")
    assert accepted.count() >= run.selected * 0.9
    assert Membership.objects.filter(enrolment__in=accepted, funding="programme").count() == (
        accepted.count()
    )
    invoice = ProgrammeInvoice.objects.get(programme=sawit)
    assert invoice.amount == accepted.count() * 5 * 16_800 <= sawit.budget
    assert invoice.payments.get().amount == invoice.amount
    assert Claim.objects.filter(nik__in=accepted.values("nik")).count() >= 2
    assert {p.status for p in Programme.objects.filter(fiscal_year=2025)} == {"selecting"}


def possible_niks(row: dict[str, object], day: dt.date) -> int:
    """How many NIKs fit one masked export row, read as an attacker would: the NIK's visible
    digits, the sex, the birth year or age band, and the village (taken as the NIK's district)."""
    nik = str(row["NIK"])
    shown = [i for i, c in enumerate(nik) if c != "*"]
    districts = 1  # the village gives it away, visible or not
    if set(range(6, 12)) <= set(shown):
        days = 1
    elif "Birth year" in row:
        days = 366 if calendar.isleap(int(row["Birth year"])) else 365
    else:
        youngest, oldest = band_ages(str(row["Age band"]))
        days = (age_cutoff(day, youngest) - age_cutoff(day, oldest + 1)).days
    serials = 1 if set(range(12, 16)) <= set(shown) else 9_999
    return districts * days * serials


def band_ages(label: str) -> tuple[int, int]:
    """Ages a band's label allows, working ages only (15 to 100), as an attacker would narrow."""
    code = next(code for code, text in AGE_LABELS.items() if text == label)
    bounds = dict(AGE_BANDS)
    youngest = max(bounds[code], 15)
    later = [y for c, y in AGE_BANDS if y > bounds[code]]
    return youngest, (later[0] - 1 if later else 100)


def test_a_masked_person_row_fits_millions_of_niks(built: dict) -> None:
    """docs/privacy.md: a masked row of the person export, read with its other columns, must not
    narrow a person down (the old mask ``1871********0003`` with a birth year left fewer than 366
    NIKs for almost every demo person)."""
    day = timezone.localdate()
    with translation.override("en"):
        headers = [str(column.header) for column in PERSON_COLUMNS]
    fewest = min(
        possible_niks(dict(zip(headers, (c.value(p) for c in PERSON_COLUMNS), strict=True)), day)
        for p in Person.objects.all()[:5000]
    )
    assert fewest >= 1_000_000


def test_the_regency_dashboard_has_a_percentage_and_gap_for_every_district(
    built: dict, client
) -> None:
    """Issue 22: on the demo, Kota Bandar Lampung's officer sees where the gap is."""
    client.force_login(User.objects.get(username="bandarlampung"))
    response = client.get(reverse("coverage:internal", kwargs={"code": "18.71"}))
    assert response.status_code == 200
    rows = response.context["gaps"]
    districts = set(Region.objects.filter(parent_id="18.71").values_list("code", flat=True))
    assert {r["figure"].region.code for r in rows} == districts and len(districts) >= 10
    assert all(r["figure"].coverage_pct is not None for r in rows)
    assert response.context["without_denominator"] == []
    assert response.context["map_measure"] == "pct"
