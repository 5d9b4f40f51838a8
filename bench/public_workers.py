"""Reconciliation of the public-worker register (issue 21) with the registry: set-based
(``publicworkers.reconcile.reconcile``) versus a per-person loop in the same run.

    python bench/public_workers.py --scale small   # 1 % demo registry, 5,000 people (CI)
    python bench/public_workers.py --scale full    # full demo registry, 500,000 people

Set DATABASE_URL to measure on PostgreSQL; by default a scratch SQLite file is used. Built first
(not timed): the Lampung reference, the demo registry, the rate tables, six months of bills with
the demo's payments (``demo.compliance.ensure_demo_bills``: what "paid through" reads), and a
register: a village government for desa villages and the regency and province offices, about
60 % of them with a registry employer (the employers most of the sampled participants work
for); a third of the people are registry persons (active PU under their body's employer or
another, active BPU, lapsed), the rest new valid NIKs of the body's district.

Timed, on ``ON``: ``reconcile`` over the whole register (best of two); the reference, in the
same run: one ORM query per person for their memberships, then ``classify`` (and, for an active
PU person, one query for the employer's last paid bill), on a random sample, extrapolated per
person; then ``services.refresh_unchecked`` of every worker (reconcile and store every row;
then again, nothing changed). The sample's outcomes must equal the set-based ones,
and the stored reconciliation must equal ``reconcile``'s. Issue target: set-based at least 20×
faster.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, load_lampung_reference, report, timer

ON = dt.date(2025, 12, 31)
LISTED = dt.date(2024, 1, 1)
PEOPLE = {"small": 5_000, "full": 500_000}
SAMPLE = {"small": 2_000, "full": 5_000}
PER_VILLAGE = 150  # people on a village government's register, on average
REGISTRY_SHARE = 1 / 3  # of the register: NIKs of registry persons
WITH_EMPLOYER = 0.6  # of the bodies: a registry employer (NPP)
OFFICE_SHARE = 0.2  # of the register: regency and province offices' staff
SERIAL_FROM = 5_001  # new NIKs: serials the demo never reaches (it counts from 1 per birth date)

# Category → (weight, honorarium choices); village governments and offices list different ones.
VILLAGE_MIX = {
    "village_head": (1, (3_400_000, 3_000_000)),
    "village_official": (10, (2_500_000, 2_200_000, 2_000_000)),
    "bpd_member": (7, (1_000_000, 750_000)),
    "rt_rw_head": (40, (500_000, 300_000)),
    "posyandu_cadre": (50, (300_000, 250_000)),
    "linmas": (20, (400_000,)),
    "other": (5, (500_000,)),
}
OFFICE_MIX = {
    "non_asn": (7, (2_000_000, 2_500_000, 3_000_000, 3_500_000)),
    "honorary_teacher": (3, (1_500_000, 1_200_000)),
}
PU_VILLAGE = ("village_head", "village_official")
BPU_VILLAGE = ("bpd_member", "rt_rw_head", "posyandu_cadre", "linmas", "other")


def _progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--people", type=int, help="default: 5,000 small, 500,000 full")
    parser.add_argument("--naive-sample", type=int, help="default: 2,000 small, 5,000 full")
    args = parser.parse_args()
    vendor = django_on_scratch_database()

    from django.conf import settings
    from django.db import connection

    from lindung.contributions.models import Bill
    from lindung.contributions.services import load_rate_tables
    from lindung.demo.compliance import ensure_demo_bills
    from lindung.demo.plan import make_plan
    from lindung.demo.populations import write_populations
    from lindung.demo.synthetic import build_registry
    from lindung.publicworkers import services
    from lindung.publicworkers.models import PublicWorker
    from lindung.publicworkers.reconcile import reconcile, subjects_of
    from lindung.publicworkers.rules import RuleBook
    from lindung.registry.models import Membership, Person

    data = Path(settings.LINDUNG_REFERENCE_DATA)
    load_lampung_reference()
    plan = make_plan(args.scale, data / "lampung_labour.csv")
    write_populations(plan)
    build_registry(plan, seed=args.seed, rebuild=True)
    load_rate_tables()
    bills = ensure_demo_bills(as_of=ON)
    people = args.people or PEOPLE[args.scale]
    _progress(f"registry and {bills:,} bills built; a register of {people:,} people next")
    t: dict[str, float] = {}
    with timer(t, "build"):
        bodies, mix = build_register(people, random.Random(args.seed))
    _progress(f"register built in {t['build']:.1f} s; timing the reconciliation")

    with timer(t, "subjects"):
        subjects = [s for s, _row in subjects_of(PublicWorker.objects.all(), RuleBook())]
    with timer(t, "first"):
        outcomes = reconcile(subjects, ON)
    with timer(t, "set"):
        again = reconcile(subjects, ON)
    assert again == outcomes
    t["set"] = min(t["set"], t["first"])
    _progress(f"set-based {t['set']:.2f} s; the naive loop next")

    k = min(args.naive_sample or SAMPLE[args.scale], len(subjects))
    sample = random.Random(args.seed).sample(subjects, k)
    with timer(t, "naive"):
        naive = naive_reconcile(sample, ON)
    differ = [s.id for s in sample if naive[s.id] != outcomes[s.id]]
    if differ:
        raise SystemExit(
            f"FAIL: {len(differ):,} of {k:,} sampled outcomes differ from the naive loop "
            f"(first ids {differ[:5]})"
        )
    per_naive = t["naive"] / k
    naive_full = per_naive * len(subjects)
    ratio = naive_full / t["set"]
    _progress(f"naive {naive_full:.1f} s extrapolated, ratio {ratio:.0f}; refresh_unchecked next")
    with timer(t, "refresh"):
        changed = services.refresh_unchecked(PublicWorker.objects.all(), ON)
    with timer(t, "refresh again"):
        unchanged = services.refresh_unchecked(PublicWorker.objects.all(), ON)
    assert changed == len(subjects) and unchanged == 0, (changed, unchanged)
    stored = {
        pk: (status, kpj, through)
        for pk, status, kpj, through in PublicWorker.objects.values_list(
            "id", "status", "kpj", "paid_through"
        ).iterator(chunk_size=10_000)
    }
    assert stored == {k: (o.status, o.kpj, o.paid_through) for k, o in outcomes.items()}
    statuses = Counter(o.status for o in outcomes.values())
    paid = sum(1 for o in outcomes.values() if o.paid_through)
    per_set = t["set"] / len(subjects)
    report(
        f"public-worker reconciliation on {ON} on {vendor} ({connection.vendor}), "
        f"scale {args.scale} (seed {args.seed})",
        [
            ("registry", f"{Person.objects.count():,} persons, "
             f"{Membership.objects.count():,} memberships, {Bill.objects.count():,} bills"),
            ("register", f"{len(subjects):,} people of {bodies['all']:,} bodies "
             f"({bodies['village']:,} village governments, {bodies['office']:,} offices, "
             f"{bodies['employer']:,} with an NPP); built in {t['build']:.1f} s"),
            ("register mix", ", ".join(f"{k} {v:,}" for k, v in mix.items())),
            ("outcomes", ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))
             + f"; {paid:,} with a paid-through month"),
            ("subjects read (subjects_of)", f"{t['subjects']:.2f} s"),
            ("reconcile (set-based), first / best of two",
             f"{t['first']:.2f} s / {t['set']:.2f} s ({per_set * 1e6:.1f} µs a person)"),
            ("refresh_unchecked (reconcile + store, all rows written)",
             f"{t['refresh']:.2f} s ({changed:,} rows)"),
            ("refresh_unchecked again (nothing changed)", f"{t['refresh again']:.2f} s"),
            (f"naive per-person loop ({k:,} people, extrapolated)",
             f"{naive_full:.2f} s ({per_naive * 1000:.2f} ms a person); sample equal"),
            ("ratio", f"set-based is {ratio:.0f}× faster (target ≥ 20×: "
             f"{'met' if ratio >= 20 else 'MISSED'}); refresh_unchecked "
             f"{naive_full / t['refresh']:.1f}×"),
        ],
    )  # fmt: skip


def naive_reconcile(subjects, on: dt.date) -> dict:
    """The reference: each person's memberships by one query, then ``classify``; an active PU
    person's paid-through month by one more."""
    from django.db.models import Max

    from lindung.contributions.models import Bill, BillStatus
    from lindung.publicworkers.reconcile import Held, Status, classify
    from lindung.registry.models import Membership, Segment

    outcomes = {}
    for s in subjects:
        held = [
            Held(*row)
            for row in Membership.objects.filter(person__nik=s.nik, start_date__lte=on).values_list(
                "segment", "employer_id", "kpj", "start_date", "end_date"
            )
        ]
        outcome = classify(s, held, on, {})
        if outcome.status == Status.ACTIVE and s.segment == Segment.PU:
            through = Bill.objects.filter(
                employer_id=s.employer_id, status=BillStatus.PAID, month__lte=on
            ).aggregate(through=Max("month"))["through"]
            outcome = dataclasses.replace(outcome, paid_through=through)
        outcomes[s.id] = outcome
    return outcomes


def build_register(people: int, rng: random.Random) -> tuple[dict[str, int], dict[str, int]]:
    """Bodies and ``people`` workers (bulk-created); returns body counts and the register mix."""
    from lindung.core.nik import build_nik
    from lindung.publicworkers.models import BodyKind, BudgetSource, PayingBody, PublicWorker
    from lindung.regions.models import Kind, Region
    from lindung.registry.models import Membership, Person, Segment

    # -- Registry persons: a random third of the register, with their state on ON.
    from_registry = int(people * REGISTRY_SHARE)
    ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    chosen = sorted(rng.sample(ids, min(from_registry, len(ids))))
    del ids
    persons: dict[int, tuple] = {}
    held: dict[int, list[tuple]] = defaultdict(list)
    for i in range(0, len(chosen), 5_000):
        part = chosen[i : i + 5_000]
        for pk, *rest in Person.objects.filter(id__in=part).values_list(
            "id", "nik", "name", "birth_date", "sex", "domicile_id"
        ):
            persons[pk] = tuple(rest)
        for pk, *rest in Membership.objects.filter(person_id__in=part).values_list(
            "person_id", "segment", "employer_id", "start_date", "end_date"
        ):
            held[pk].append(tuple(rest))
    state: dict[int, tuple[str, int | None]] = {}
    employer_people: Counter[int] = Counter()
    for pk in persons:
        active = [h for h in held[pk] if h[2] <= ON and (h[3] is None or h[3] > ON)]
        pu = sorted(h[1] for h in active if h[0] == Segment.PU)
        if pu:
            state[pk] = ("pu", pu[0])
            employer_people[pu[0]] += 1
        elif any(h[0] == Segment.BPU for h in active):
            state[pk] = ("bpu", None)
        elif active:
            state[pk] = ("other", None)
        else:
            state[pk] = ("lapsed" if any(h[2] <= ON for h in held[pk]) else "none", None)

    # -- Bodies: desa governments (about PER_VILLAGE people each) and regency/province offices.
    villages = list(
        Region.objects.filter(code__startswith="18.", level="village", kind=Kind.DESA)
        .order_by("code")
        .values_list("code", "name")
    )
    n_villages = min(len(villages), max(5, round(people * (1 - OFFICE_SHARE) / PER_VILLAGE)))
    villages = sorted(rng.sample(villages, n_villages))
    regencies = list(
        Region.objects.filter(code__startswith="18.", level="regency")
        .order_by("code")
        .values_list("code", "name")
    )
    n_regencies = min(len(regencies), max(2, round(len(regencies) * people / 500_000)))
    regencies = sorted(rng.sample(regencies, n_regencies))
    village_in = defaultdict(list)
    for code, _name in Region.objects.filter(code__startswith="18.", level="village").values_list(
        "code", "name"
    ):
        village_in[code[:5]].append(code)
    bodies = [
        PayingBody(code=f"DESA-{code}", name=f"Pemerintah Desa {name}", kind=BodyKind.VILLAGE,
                   region_id=code)
        for code, name in villages
    ] + [
        PayingBody(code=f"PEMKAB-{code}", name=f"Pemerintah {name}",
                   kind=BodyKind.REGENCY_OFFICE, region_id=code)
        for code, name in regencies
    ] + [
        PayingBody(code="PEMPROV-18", name="Pemerintah Provinsi Lampung",
                   kind=BodyKind.PROVINCE_OFFICE, region_id="18")
    ]  # fmt: skip
    # The employers most sampled participants work for become the NPPs of ~60 % of the bodies.
    with_npp = rng.sample(range(len(bodies)), round(len(bodies) * WITH_EMPLOYER))
    for index, (employer, _n) in zip(with_npp, employer_people.most_common(), strict=False):
        bodies[index].employer_id = employer
    for body in bodies:
        body.assign_region_codes(body.region_id)
    PayingBody.objects.bulk_create(bodies, batch_size=2_000)
    bodies = list(PayingBody.objects.order_by("id"))  # with their ids on every database
    by_employer = {b.employer_id: b for b in bodies if b.employer_id}
    village_bodies = [b for b in bodies if b.kind == BodyKind.VILLAGE]
    offices = [b for b in bodies if b.kind != BodyKind.VILLAGE]

    def category(body: PayingBody, choices: tuple[str, ...] | None = None) -> tuple[str, int]:
        mix = VILLAGE_MIX if body.kind == BodyKind.VILLAGE else OFFICE_MIX
        names = [c for c in mix if choices is None or c in choices] or list(mix)
        code = rng.choices(names, weights=[mix[c][0] for c in names])[0]
        return code, rng.choice(mix[code][1])

    def worker(body, nik, name, birth, sex, village, cat, honorarium) -> PublicWorker:
        until = None if rng.random() < 0.97 else dt.date(2026, rng.randint(1, 12), 1)
        source = (
            BudgetSource.APBD
            if body.kind != BodyKind.VILLAGE
            else rng.choice((BudgetSource.APBDES, BudgetSource.DANA_DESA))
        )
        w = PublicWorker(
            body=body, nik=nik, name=name, birth_date=birth, sex=sex, village_id=village,
            category_id=cat, honorarium=honorarium, budget_source=source,
            listed_from=LISTED + dt.timedelta(days=rng.randrange(600)), listed_until=until,
        )  # fmt: skip
        w.assign_region_codes(body.region_id)
        return w

    def any_body() -> PayingBody:
        return rng.choice(offices) if rng.random() < OFFICE_SHARE else rng.choice(village_bodies)

    def home(body: PayingBody) -> str:
        if body.kind == BodyKind.VILLAGE:
            return body.region_id
        return rng.choice(village_in[body.region_id] if len(body.region_id) == 5 else
                          village_in[rng.choice(list(village_in))])  # fmt: skip

    rows: list[PublicWorker] = []
    mix: Counter[str] = Counter()
    for pk, (nik, name, birth, sex, domicile) in persons.items():
        kind, employer = state[pk]
        if kind == "pu" and employer in by_employer:
            body, label = by_employer[employer], "registry PU at the body's employer"
            cat = category(body, PU_VILLAGE)
        elif kind == "bpu":
            body, label = rng.choice(village_bodies), "registry BPU"
            cat = category(body, BPU_VILLAGE)
        else:
            body = any_body()
            label = {"pu": "registry PU elsewhere", "other": "registry other segment"}.get(
                kind, "registry lapsed or not yet started"
            )
            cat = category(body, PU_VILLAGE if kind == "pu" else None)
        mix[label] += 1
        rows.append(worker(body, nik, name, birth, sex, domicile, *cat))
    serials: Counter[tuple[str, dt.date, str]] = Counter()
    for _ in range(people - len(rows)):
        body = any_body()
        village = home(body)
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16_000))
        sex = rng.choice("MF")
        key = (village[:8], birth, sex)
        nik = build_nik(village[:8], birth, sex, SERIAL_FROM + serials[key])
        serials[key] += 1
        rows.append(worker(body, nik, f"Warga {nik[-6:]}", birth, sex, village, *category(body)))
        mix["new NIK"] += 1
    rng.shuffle(rows)
    PublicWorker.objects.bulk_create(rows, batch_size=2_000)
    counts = {
        "all": len(bodies),
        "village": len(village_bodies),
        "office": len(offices),
        "employer": len(by_employer),
    }
    return counts, dict(mix)


if __name__ == "__main__":
    main()
