"""The demo register of people Lampung's governments pay (issue 21 §6; docs/domain.md §7.3,
§13.2): every regency/city government with its non-ASN staff, and the village governments of a
sample of villages with their heads, officials, BPD members and RT/RW heads.

Coverage per category is built to the published August 2025 proportions where there are some
(non-ASN of the regional governments 78.3 %, RT/RW heads 22.1 %; Kutipan 2025 ◐) and to assumed
ones elsewhere. The covered are real registry rows: a person and a membership — PU under the
body's own registry employer (an NPP made for each body) for the PU categories, BPU for the BPU
ones. Of the rest some are lapsed (a membership of their category that ended), some registered
elsewhere (active under a company, or BPU when their category is PU) and the others never
registered. Every membership starts on or after 1 January 2024, so the registry's calibrated
31 December 2023 figures stay exactly what they were, and settles by 1 July 2025, so the
statuses are the same from August 2025 to the data's "today" (``histories.LAST_DAY``), the day
the register is reconciled on.

Deterministic (a seeded generator over rows read in code order); idempotent: nothing is made
when any register row exists. Rows are written with ``bulk_create`` (a demo builder, as the
synthetic registry is), then reconciled with ``publicworkers.services.refresh_unchecked``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from lindung.core.audit import record_audit
from lindung.core.months import add_months
from lindung.core.nik import build_nik
from lindung.core.scope import SYSTEM
from lindung.demo import wordlists as words
from lindung.demo.audit import DemoAudit
from lindung.demo.histories import LAPSED, LAST_DAY, PU_REASONS
from lindung.demo.plan import largest_remainder
from lindung.demo.synthetic import last_build, registry_counts
from lindung.publicworkers.models import (
    BodyKind,
    BudgetLine,
    BudgetSource,
    Category,
    PayingBody,
    PublicWorker,
    ReconciliationStatus,
)
from lindung.publicworkers.rules import RuleBook
from lindung.publicworkers.services import refresh_unchecked, village_body_code
from lindung.regions.models import Kind, Region
from lindung.registry.models import (
    Employer,
    EmployerStatus,
    Funding,
    Membership,
    Person,
    Segment,
)

Status = ReconciliationStatus

# The day the register is reconciled on: the demo data's "today".
RECONCILED_ON = dt.date.fromordinal(LAST_DAY)
# The month of the published figures; every status holds from then on.
PUBLISHED_ON = dt.date(2025, 8, 31)
FIRST_START = dt.date(2024, 1, 1)  # after the registry's calibrated day (2023-12-31)
SETTLED = dt.date(2025, 7, 1)  # no membership starts or ends after this
BUDGET_YEAR = 2025
PAID_MONTHS = 8  # budget realised January–August 2025

# Percent covered per category: published (◐, Kutipan 2025) for non-ASN and RT/RW heads,
# assumed (✖) for the village apparatus and BPD.
TARGET_PCT: dict[str, Decimal] = {
    "non_asn": Decimal("78.3"),
    "rt_rw_head": Decimal("22.1"),
    "village_head": Decimal("85"),
    "village_official": Decimal("70"),
    "bpd_member": Decimal("35"),
}
# How the uncovered split: registered elsewhere, lapsed, never registered (weights).
UNCOVERED_SPLIT = (3, 3, 4)
REGENCY_CATEGORIES = ("non_asn",)
VILLAGE_CATEGORIES = ("village_head", "village_official", "bpd_member", "rt_rw_head")


@dataclass(frozen=True)
class Size:
    villages_per_regency: int
    non_asn: int  # non-ASN staff of the 15 regency/city governments together
    rt_rw: int  # RT/RW heads of the sampled villages together


# Both totals are chosen so the published percentages come out exactly when rounded to one
# decimal (235 / 300 = 78.33 %, 53 / 240 = 22.08 %; at full scale exactly 78.3 and 22.1).
SIZES = {"full": Size(10, 1_000, 1_000), "small": Size(2, 300, 240)}

SERIAL_FROM = 7_001  # NIK serials far above the synthetic registry's (1, 2, … per birth date)
SILTAP_HEAD = 2_426_640  # PP 11/2019: 120 % of an ASN IIa's base pay
SILTAP_SECRETARY = 2_224_420  # 110 %
SILTAP_OFFICIAL = 2_022_200  # 100 %
KBLI_GOVERNMENT = "84111"  # public administration


def covered_count(total: int, pct: Decimal) -> int:
    """Persons covered of ``total`` for ``pct`` percent, rounded half up."""
    return int((Decimal(total) * pct / 100).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass
class Planned:
    """One listed person and the registry history that gives the intended status."""

    body: str  # the paying body's code
    category: str
    status: str
    village: str  # domicile
    sex: str = "M"
    birth: dt.date = dt.date(1980, 1, 1)
    name: str = ""
    nik: str = ""
    honorarium: int = 0
    budget_source: str = BudgetSource.APBD
    listed_from: dt.date = dt.date(2025, 1, 1)


@dataclass
class BodyPlan:
    code: str
    name: str
    kind: str
    region: str
    employer_village: str


@dataclass
class DemoRegister:
    """What ``ensure_demo_public_workers`` made: counts and each worker's intended status."""

    created: int = 0
    bodies: int = 0
    persons: int = 0
    memberships: int = 0
    intended: dict[tuple[str, str], str] = field(default_factory=dict)  # (body, NIK) → status


# --- the world the register is drawn from ------------------------------------------------------


@dataclass
class World:
    regencies: list[tuple[str, str]]  # (code, name) in code order
    villages: dict[str, list[tuple[str, str, str]]]  # regency → (code, name, kind)
    districts: dict[str, list[str]]  # regency → district codes
    companies: dict[str, list[tuple[int, str]]]  # regency → active employers (id, village)
    must_have: tuple[str, ...] = ()  # villages always sampled (the demo village account's)


def load_world() -> World:
    regencies = list(
        Region.objects.filter(level="regency", province_code="18")
        .order_by("code")
        .values_list("code", "name")
    )
    villages: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for code, name, kind, regency in (
        Region.objects.filter(level="village", province_code="18", is_active=True)
        .order_by("code")
        .values_list("code", "name", "kind", "regency_code")
    ):
        villages[regency].append((code, name, kind))
    districts: dict[str, list[str]] = defaultdict(list)
    for code, regency in (
        Region.objects.filter(level="district", province_code="18")
        .order_by("code")
        .values_list("code", "regency_code")
    ):
        districts[regency].append(code)
    companies: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, village, regency in (
        Employer.objects.filter(status=EmployerStatus.ACTIVE, province_code="18")
        .exclude(kbli=KBLI_GOVERNMENT)
        .order_by("npp")
        .values_list("id", "village_id", "regency_code")
    ):
        companies[regency].append((pk, village))
    from lindung.demo.accounts import demo_accounts

    own = tuple(a.scope[0] for a in demo_accounts() if a.role == "village_operator" and a.scope)
    return World(regencies, dict(villages), dict(districts), dict(companies), own)


# --- the plan (no writes) ----------------------------------------------------------------------


def _statuses(rng: random.Random, total: int, pct: Decimal) -> list[str]:
    """``total`` statuses, exactly ``covered_count`` of them active, in random order."""
    covered = covered_count(total, pct)
    uncovered = total - covered
    other, lapsed, never = (
        largest_remainder(uncovered, list(UNCOVERED_SPLIT)) if uncovered else (0, 0, 0)
    )
    out = (
        [Status.ACTIVE] * covered
        + [Status.OTHER_EMPLOYER] * other
        + [Status.LAPSED] * lapsed
        + [Status.NEVER] * never
    )
    rng.shuffle(out)
    return out


def _birth(rng: random.Random, youngest: int, oldest: int) -> dt.date:
    age = rng.randint(youngest, oldest)
    return dt.date(2025 - age, rng.randint(1, 12), rng.randint(1, 28))


def _name(rng: random.Random, male: bool) -> str:
    given = rng.choice(words.MALE_GIVEN if male else words.FEMALE_GIVEN)
    return f"{given} {rng.choice(words.SECOND_NAMES)}"


def plan_register(
    world: World, scale: str, rng: random.Random
) -> tuple[list[BodyPlan], list[Planned]]:
    """The bodies and the listed persons with their intended statuses (names and NIKs follow)."""
    size = SIZES.get(scale, SIZES["small"])
    bodies: list[BodyPlan] = []
    people: list[Planned] = []
    regencies = [r for r in world.regencies if world.villages.get(r[0])]
    # Regency/city governments and their non-ASN staff (split by the regency's village count).
    weights = [len(world.villages[code]) + 20 for code, _ in regencies]
    staff = largest_remainder(size.non_asn, weights)
    statuses = iter(_statuses(rng, size.non_asn, TARGET_PCT["non_asn"]))
    for (code, name), n in zip(regencies, staff, strict=True):
        seat = world.villages[code][0][0]
        bodies.append(BodyPlan(f"PEMKAB-{code}", f"Pemerintah {name}", BodyKind.REGENCY_OFFICE,
                               code, seat))  # fmt: skip
        for _ in range(n):
            village = rng.choice(world.villages[code])[0]
            people.append(Planned(f"PEMKAB-{code}", "non_asn", next(statuses), village))
    # Village governments of a sample of villages (desa: apparatus, BPD, RT/RW; kelurahan:
    # RT/RW heads, whose incentive the city pays).
    sample: list[tuple[str, str, str]] = []
    for code, _ in regencies:
        choices = world.villages[code]
        picked = rng.sample(choices, min(size.villages_per_regency, len(choices)))
        picked += [v for v in choices if v[0] in world.must_have and v not in picked]
        sample += sorted(picked)
    village_people: dict[str, list[tuple[str, str]]] = defaultdict(list)  # category → (body, v)
    for village, vname, kind in sample:
        desa = kind == Kind.DESA
        body = village_body_code(village)
        bodies.append(BodyPlan(body, f"Pemerintah {'Desa' if desa else 'Kelurahan'} {vname}",
                               BodyKind.VILLAGE, village, village))  # fmt: skip
        if desa:
            village_people["village_head"].append((body, village))
            for _ in range(5 + rng.randrange(5)):
                village_people["village_official"].append((body, village))
            for _ in range(rng.choice((5, 7, 9))):
                village_people["bpd_member"].append((body, village))
    rt_rw = largest_remainder(size.rt_rw, [rng.randint(3, 12) for _ in sample])
    for (village, _n, _k), n in zip(sample, rt_rw, strict=True):
        village_people["rt_rw_head"] += [(village_body_code(village), village)] * n
    for category in VILLAGE_CATEGORIES:
        members = village_people[category]
        for (body, village), status in zip(
            members, _statuses(rng, len(members), TARGET_PCT[category]), strict=True
        ):
            people.append(Planned(body, category, status, village))
    for p in people:
        _describe(rng, p)
    return bodies, people


def _describe(rng: random.Random, p: Planned) -> None:
    """Sex, birth date, name, honorarium, budget source and listing of one person."""
    if p.category == "non_asn":
        p.sex = "M" if rng.random() < 0.55 else "F"
        p.birth = _birth(rng, 22, 56)
        p.honorarium = rng.randrange(1_200_000, 3_000_001, 50_000)
        p.budget_source = BudgetSource.APBD
    elif p.category == "village_head":
        p.sex = "M" if rng.random() < 0.9 else "F"
        p.birth = _birth(rng, 32, 60)
        p.honorarium = SILTAP_HEAD
        p.budget_source = BudgetSource.APBDES
    elif p.category == "village_official":
        p.sex = "M" if rng.random() < 0.7 else "F"
        p.birth = _birth(rng, 22, 58)
        p.honorarium = SILTAP_SECRETARY if rng.random() < 0.15 else SILTAP_OFFICIAL
        p.budget_source = BudgetSource.APBDES
    elif p.category == "bpd_member":
        p.sex = "M" if rng.random() < 0.75 else "F"
        p.birth = _birth(rng, 28, 62)
        p.honorarium = rng.randrange(600_000, 1_000_001, 50_000)
        p.budget_source = BudgetSource.APBDES
    else:  # rt_rw_head
        p.sex = "M" if rng.random() < 0.85 else "F"
        p.birth = _birth(rng, 30, 65)
        p.honorarium = rng.randrange(250_000, 600_001, 50_000)
        kelurahan = p.village[9:10] == "1"
        p.budget_source = BudgetSource.APBD if kelurahan else rng.choice(
            (BudgetSource.APBDES, BudgetSource.DANA_DESA)
        )  # fmt: skip
    p.name = _name(rng, p.sex == "M")
    p.listed_from = dt.date(2024, 1, 1) if rng.random() < 0.3 else dt.date(2025, 1, 1)


def assign_niks(world: World, people: list[Planned], rng: random.Random, taken: Any) -> None:
    """A NIK for everyone: the domicile's district mostly, another district of the regency for
    some; serials from ``SERIAL_FROM`` per district and birth date, skipping NIKs ``taken``
    (a callable: which of these NIKs the registry already holds)."""
    serials: Counter[tuple[str, dt.date]] = Counter()

    def draw(p: Planned) -> str:
        district = p.village[:8]
        others = world.districts.get(p.village[:5]) or [district]
        if rng.random() < 0.05:
            district = rng.choice(others)
        key = (district, p.birth)
        serials[key] += 1
        return build_nik(district, p.birth, p.sex, SERIAL_FROM + serials[key] - 1)

    for p in people:
        p.nik = draw(p)
    clash = taken({p.nik for p in people})
    while clash:
        for p in people:
            if p.nik in clash:
                p.nik = draw(p)
        clash = taken({p.nik for p in people})


def _registry_niks(niks: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(niks)
    for i in range(0, len(ordered), 5_000):
        found |= set(
            Person.objects.filter(nik__in=ordered[i : i + 5_000]).values_list("nik", flat=True)
        )
    return found


# --- registry rows and the register -------------------------------------------------------------


def _month(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """The first day of a random month from ``first``'s to ``last``'s."""
    span = (last.year - first.year) * 12 + last.month - first.month
    return add_months(first.replace(day=1), rng.randint(0, span))


def _size_class(headcount: int) -> str:
    for floor, size in ((100, "large"), (20, "medium"), (5, "small")):
        if headcount >= floor:
            return size
    return "micro"


class _Writer:
    """Turns the plan into rows: employers, bodies, persons, memberships, workers."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng, self.book = world, rng, RuleBook()
        self.kpj_seq = 0

    def kpj(self, start: dt.date) -> str:
        self.kpj_seq += 1
        return f"{start.year % 100:02d}7{self.kpj_seq:08d}"  # synthetic KPJs never reach 7…

    def employers(self, bodies: list[BodyPlan], people: list[Planned]) -> dict[str, Employer]:
        taken = set(Employer.objects.values_list("npp", flat=True))
        headcount = Counter(p.body for p in people)
        rows: dict[str, Employer] = {}
        for b in bodies:
            npp = str(self.rng.randrange(10_000_000, 100_000_000))
            while npp in taken:
                npp = str(self.rng.randrange(10_000_000, 100_000_000))
            taken.add(npp)
            employer = Employer(
                npp=npp, name=b.name[:200], nib="", kbli=KBLI_GOVERNMENT,
                size_class=_size_class(headcount[b.code]), risk_class=1,
                village_id=b.employer_village, status=EmployerStatus.ACTIVE,
                registered_on=FIRST_START,
            )  # fmt: skip
            employer.assign_region_codes(b.employer_village)
            rows[b.code] = employer
        Employer.objects.bulk_create(rows.values(), batch_size=2_000)
        return rows

    def history(self, p: Planned, regency: str, own: Employer) -> list[Membership]:
        """The memberships that make ``p``'s intended status (none for the never registered)."""
        rng = self.rng
        rule = self.book.rule(p.category, regency)
        segment = rule.segment if rule else Segment.BPU
        programmes = set(rule.programmes) if rule else {"JKK", "JKM"}
        wage = rule.wage_for(p.honorarium) if rule else 1_000_000
        if p.status == Status.NEVER:
            return []
        if p.status == Status.OTHER_EMPLOYER:
            companies = self.world.companies.get(regency) or [
                c for cs in self.world.companies.values() for c in cs
            ]
            start = _month(rng, FIRST_START, dt.date(2025, 6, 1))
            if segment == Segment.PU and (not companies or rng.random() < 0.5):
                # A BPU participant on their own account: registered, not by the body.
                return [self.membership(Segment.BPU, None, p.village, 1_000_000,
                                        {"JKK", "JKM"}, start)]  # fmt: skip
            if not companies:  # nowhere else to be registered: lapsed instead
                p.status = Status.LAPSED
                return self.history(p, regency, own)
            company, village = rng.choice(companies)
            return [self.membership(Segment.PU, company, village,
                                    rng.randrange(2_500_000, 4_000_001, 50_000),
                                    {"JKK", "JKM", "JHT", "JP"}, start)]  # fmt: skip
        employer = own.pk if segment == Segment.PU else None
        where = own.village_id if segment == Segment.PU else p.village
        if p.status == Status.ACTIVE:
            start = _month(rng, FIRST_START, dt.date(2025, 6, 1))
            return [self.membership(segment, employer, where, wage, programmes, start)]
        start = _month(rng, FIRST_START, dt.date(2024, 10, 1))  # lapsed
        end = min(add_months(start, rng.randint(3, 8)), SETTLED)
        reason = PU_REASONS[1] if segment == Segment.PU else LAPSED
        return [self.membership(segment, employer, where, wage, programmes, start, end, reason)]

    def membership(
        self, segment: str, employer: int | None, village: str, wage: int, programmes: set[str],
        start: dt.date, end: dt.date | None = None, reason: str = "",
    ) -> Membership:  # fmt: skip
        m = Membership(
            employer_id=employer, segment=segment, kpj=self.kpj(start),
            jkk="JKK" in programmes, jkm="JKM" in programmes, jht="JHT" in programmes,
            jp="JP" in programmes, jkp=False, wage=wage, work_region_id=village,
            start_date=start, end_date=end, end_reason=reason,
            funding=Funding.EMPLOYER if segment == Segment.PU else Funding.SELF,
        )  # fmt: skip
        m.assign_region_codes(village)
        return m

    def write(self, bodies: list[BodyPlan], people: list[Planned]) -> DemoRegister:
        employers = self.employers(bodies, people)
        body_rows: dict[str, PayingBody] = {}
        for b in bodies:
            body = PayingBody(code=b.code, name=b.name[:200], kind=b.kind, region_id=b.region,
                              employer=employers[b.code])  # fmt: skip
            body.assign_region_codes(b.region)
            body_rows[b.code] = body
        PayingBody.objects.bulk_create(body_rows.values(), batch_size=2_000)
        labels = dict(Category.objects.values_list("code", "label_id"))
        persons: list[Person] = []
        histories: list[list[Membership]] = []
        for p in people:
            body = body_rows[p.body]
            held = self.history(p, body.regency_code, employers[p.body])
            if not held:
                continue
            person = Person(
                nik=p.nik, name=p.name, sex=p.sex, birth_date=p.birth, domicile_id=p.village,
                occupation=labels.get(p.category, ""),
            )  # fmt: skip
            person.assign_region_codes(p.village)
            persons.append(person)
            histories.append(held)
        Person.objects.bulk_create(persons, batch_size=2_000)
        memberships = []
        for person, held in zip(persons, histories, strict=True):
            for m in held:
                m.person = person
                memberships.append(m)
        Membership.objects.bulk_create(memberships, batch_size=2_000)
        workers = []
        for p in people:
            body = body_rows[p.body]
            worker = PublicWorker(
                body=body, nik=p.nik, name=p.name, birth_date=p.birth, sex=p.sex,
                village_id=p.village, category_id=p.category, honorarium=p.honorarium,
                budget_source=p.budget_source, listed_from=p.listed_from,
            )  # fmt: skip
            worker.assign_region_codes(body.region_id)
            workers.append(worker)
        PublicWorker.objects.bulk_create(workers, batch_size=2_000)
        return DemoRegister(
            created=len(workers), bodies=len(body_rows), persons=len(persons),
            memberships=len(memberships),
            intended={(p.body, p.nik): p.status for p in people},
        )  # fmt: skip

    def budget_lines(self, bodies: list[BodyPlan]) -> int:
        """Budget lines for 2025: every regency government for its non-ASN staff, half the
        village governments for their apparatus and a third for their RT/RW heads. Planned is
        a year of everyone's contribution; realised, January–August of the covered."""
        monthly: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for code, category, status, contribution in PublicWorker.objects.values_list(
            "body__code", "category_id", "status", "monthly_contribution"
        ).order_by("body__code", "id"):
            monthly[(code, category)][0] += contribution
            if status == Status.ACTIVE:
                monthly[(code, category)][1] += contribution
        ids = dict(PayingBody.objects.values_list("code", "id"))
        lines = []
        for b in bodies:
            if b.kind == BodyKind.REGENCY_OFFICE:
                chosen: tuple[str, ...] = REGENCY_CATEGORIES
            else:
                chosen = ()
                if self.rng.random() < 0.5:
                    chosen += ("village_head", "village_official")
                if self.rng.random() < 0.35:
                    chosen += ("rt_rw_head",)
            for category in chosen:
                everyone, covered = monthly.get((b.code, category), (0, 0))
                if not everyone:
                    continue
                lines.append(BudgetLine(
                    body_id=ids[b.code], category_id=category, fiscal_year=BUDGET_YEAR,
                    planned=everyone * 12, realised=covered * PAID_MONTHS,
                ))  # fmt: skip
        BudgetLine.objects.bulk_create(lines, batch_size=2_000)
        return len(lines)


def ensure_demo_public_workers(
    *, scale: str = "full", seed: int = 20231231, actor: Any = SYSTEM
) -> DemoRegister:
    """Make the demo register when there is none (no paying body yet): bodies, workers, the
    registry rows of the covered, 2025 budget lines, and the reconciliation on the data's
    "today". The registry's reuse marker then records the rows it leaves."""
    if PayingBody.objects.exists() or PublicWorker.objects.exists():
        return DemoRegister()
    world = load_world()
    if not world.regencies:
        return DemoRegister()
    rng = random.Random(seed + 21)
    bodies, people = plan_register(world, scale, rng)
    assign_niks(world, people, rng, _registry_niks)
    writer = _Writer(world, rng)
    with transaction.atomic():
        made = writer.write(bodies, people)
        refresh_unchecked(PublicWorker.objects.all(), on=RECONCILED_ON)
        writer.budget_lines(bodies)
        build = last_build()
        if build is not None:
            # The registry gained persons, memberships and employers: the next build reuses it.
            record_audit(
                actor=actor, action=DemoAudit.BUILD_PROGRAMMES,
                object_repr=f"demo {scale} public workers",
                after={**build, "rows": registry_counts(),
                       "built_rows": build.get("built_rows", build.get("rows"))},
            )  # fmt: skip
    return made
