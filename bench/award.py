"""Paritrana Award: freezing an edition's indicators over the demo data, and scoring a large
synthetic category, each against a reference in the same run.

    python bench/award.py --scale small   # the 1 % demo; a category of 5,000 entries (CI)
    python bench/award.py --scale full    # the full demo; 83,762 entries (every village)

Set DATABASE_URL to measure on PostgreSQL; by default a scratch SQLite file is used.

Not timed: the demo data the indicators read (the registry, rate tables, accounts, six months of
bills with the demo's payments, the demo business registry, and the coverage facts of the two
month-ends the indicators read). Timed:

* ``award.demo.ensure_demo_award``: the whole demo round (nominations, answers with evidence,
  verification, freeze, two scoring runs, jury, publication);
* ``runs.freeze_indicators`` of a copy of the demo round's entries (best of two): one shared
  ``indicators.Context`` (the compliance checks run once for the province, coverage figures
  cached) — against the naive way, a fresh context per entry (the checks run again for every
  entry that needs them), on a sample per category extrapolated to every entry; the sample's
  values must equal the frozen ones;
* ``scoring.compute`` of one synthetic category of N entries × 12 criteria (8 indicators with a
  few missing values and one constant, 3 questionnaire items, the jury), with its 24 ±10 %
  sensitivity re-scores, and the score alone (one pass) — against (a) a naive pure-float
  re-implementation that recomputes each criterion's min and max for every entry (a sample,
  extrapolated) and (b) DuckDB doing the same normalisation, weighted sums, ranks and the 24
  sensitivity scenarios in SQL with exact integer arithmetic (the points' largest-remainder
  rounding included, since the tie-breaks read their subtotals). Totals must agree to 4
  decimals, ranks and the entries moved per scenario exactly.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, load_lampung_reference, report, timer

CUTOFF = dt.date(2023, 12, 31)
ENTRIES = {"small": 5_000, "full": 83_762}
# Weights as the default regency criteria (data/default_criteria.csv): 8 indicators (one lower is
# better), 3 questionnaire items (0–4), the jury (0–100).
CRITERIA = (
    ("indicator", 20, "higher"), ("indicator", 10, "higher"), ("indicator", 10, "higher"),
    ("indicator", 10, "higher"), ("indicator", 5, "higher"), ("indicator", 5, "higher"),
    ("indicator", 5, "lower"), ("indicator", 5, "higher"), ("questionnaire", 5, "higher"),
    ("questionnaire", 5, "higher"), ("questionnaire", 5, "higher"), ("jury", 15, "higher"),
)  # fmt: skip
CONSTANT = 5  # every entry 0.00 (a budget nobody has): all get 100


# --- the demo data and the freeze ----------------------------------------------------------------


def build_demo_data(scale: str, seed: int) -> None:
    from django.conf import settings

    from lindung.contributions.services import load_rate_tables
    from lindung.coverage.services import refresh
    from lindung.demo.compliance import ensure_demo_bills, import_business_registry
    from lindung.demo.plan import make_plan
    from lindung.demo.populations import write_populations
    from lindung.demo.services import ensure_demo_accounts, link_demo_employer
    from lindung.demo.synthetic import build_registry

    load_lampung_reference()
    plan = make_plan(scale, Path(settings.LINDUNG_REFERENCE_DATA) / "lampung_labour.csv")
    write_populations(plan)
    build_registry(plan, seed=seed, rebuild=True)
    load_rate_tables()
    ensure_demo_accounts()
    link_demo_employer()
    ensure_demo_bills(as_of=CUTOFF)
    import_business_registry(as_of=CUTOFF)
    refresh(months=[dt.date(2022, 12, 31), CUTOFF])


def copy_round(demo):
    """A second edition with the demo round's entries (the demo's own is published: frozen)."""
    from lindung.award import services

    copy = services.create_edition(
        actor=None, name="Bench copy", region=demo.region, assessment_year=demo.assessment_year - 1,
        ceremony_year=demo.ceremony_year - 1, cutoff_date=demo.cutoff_date,
    )  # fmt: skip
    categories = {(c.kind, c.sector_group): c for c in copy.categories.all()}
    for entry in demo.entries.select_related("category", "subject_region", "employer"):
        services.add_entry(actor=None, category=categories[(entry.category.kind,
                           entry.category.sector_group)], region=entry.subject_region,
                           employer=entry.employer)  # fmt: skip
    return copy


def naive_freeze(edition, per_category: int) -> tuple[float, int, bool]:
    """A fresh context per entry on a sample per category; returns the extrapolated seconds,
    the entries sampled and whether the values equal the frozen ones."""
    from lindung.award import indicators
    from lindung.award.models import CriterionKind, IndicatorValue

    frozen = {
        (iv.entry_id, iv.criterion_id): iv.value
        for iv in IndicatorValue.objects.filter(entry__edition=edition)
    }
    total, sampled, same = 0.0, 0, True
    for category in edition.categories.order_by("id"):
        entries = list(category.entries.order_by("id"))
        if not entries:
            continue
        step = max(1, len(entries) // per_category)
        sample = entries[::step][:per_category]
        criteria = list(
            category.criteria.filter(kind=CriterionKind.INDICATOR).exclude(indicator="")
        )
        start = time.perf_counter()
        for entry in sample:
            ctx = indicators.Context(edition.region_id, edition.cutoff_date)
            for criterion in criteria:
                value, _details = indicators.compute(ctx, criterion.indicator, entry)
                same &= frozen.get((entry.pk, criterion.pk)) == value
        total += (time.perf_counter() - start) / len(sample) * len(entries)
        sampled += len(sample)
    return total, sampled, same


# --- the synthetic category ----------------------------------------------------------------------


def synthetic_inputs(n: int, seed: int) -> dict:
    rng = random.Random(seed)
    criteria = [
        {"id": i + 1, "code": f"c{i + 1}", "kind": kind, "weight": f"{weight}.00",
         "direction": direction, "max_points": 4 if kind == "questionnaire" else 100}
        for i, (kind, weight, direction) in enumerate(CRITERIA)
    ]  # fmt: skip
    entries = []
    for e in range(n):
        values: dict[str, str | None] = {}
        for c in criteria:
            if c["kind"] == "indicator":
                value = None if rng.random() < 0.02 else f"{rng.uniform(0, 100):.2f}"
                value = "0.00" if c["id"] == CONSTANT else value
            elif c["kind"] == "questionnaire":
                value = str(rng.randint(0, 4))
            else:  # interviewed finalists only
                value = f"{rng.uniform(50, 95):.2f}" if rng.random() < 0.1 else None
            values[str(c["id"])] = value
        entries.append({"id": e + 1, "name": f"E{e + 1}", "values": values})
    category = {"id": 1, "kind": "village", "winners": 3, "criteria": criteria, "entries": entries}
    return {"formula_version": "1", "categories": [category]}


def _half_up(x: float) -> float:
    # Float noise around an exact half (values here have few decimals) must not round down.
    return math.floor(x * 10_000 + 0.5 + 1e-6) / 10_000


def naive_total(category: dict, entry: dict) -> float:
    """One entry's total in floats, every criterion's min and max recomputed for it."""
    weight_sum = sum(float(c["weight"]) for c in category["criteria"])
    exact = 0.0
    for c in category["criteria"]:
        key = str(c["id"])
        raw = entry["values"][key]
        if c["kind"] == "indicator":
            present = [float(e["values"][key]) for e in category["entries"]
                       if e["values"][key] is not None]  # fmt: skip
            low, high = min(present), max(present)
            if raw is None:
                norm = 0.0
            elif high == low:
                norm = 100.0
            else:
                share = (float(raw) - low) / (high - low)
                norm = _half_up((1 - share if c["direction"] == "lower" else share) * 100)
        else:
            norm = 0.0 if raw is None else _half_up(
                min(max(float(raw) / c["max_points"] * 100, 0.0), 100.0))  # fmt: skip
        exact += float(c["weight"]) * norm / weight_sum
    return _half_up(exact)


DUCK_SQL = """
WITH norm AS (
  SELECT v.entry, v.criterion, c.kind,
    CASE
      WHEN v.v IS NULL THEN 0
      WHEN c.kind <> 'indicator' THEN
        least(greatest((2 * v.v * 1000000 + c.top) // (2 * c.top), 0), 1000000)
      WHEN max(v.v) OVER w = min(v.v) OVER w THEN 1000000
      WHEN c.direction = 'lower' THEN
        (2 * (max(v.v) OVER w - v.v) * 1000000 + (max(v.v) OVER w - min(v.v) OVER w))
        // (2 * (max(v.v) OVER w - min(v.v) OVER w))
      ELSE (2 * (v.v - min(v.v) OVER w) * 1000000 + (max(v.v) OVER w - min(v.v) OVER w))
           // (2 * (max(v.v) OVER w - min(v.v) OVER w))
    END AS norm
  FROM vals v JOIN crit c ON c.id = v.criterion
  WINDOW w AS (PARTITION BY v.criterion)
),
weights AS (
  SELECT s.s, c.id AS criterion,
         c.w100 * CASE WHEN c.id = s.criterion THEN s.factor ELSE 1000 END AS w
  FROM scenarios s CROSS JOIN crit c
),
sums AS (SELECT s, sum(w) AS ws FROM weights GROUP BY s),
points AS (
  SELECT w.s, n.entry, n.criterion, n.kind, w.w * n.norm AS x, t.ws
  FROM norm n JOIN weights w ON w.criterion = n.criterion JOIN sums t ON t.s = w.s
),
alloc AS (
  SELECT s, entry, kind, x // ws AS fl,
         row_number() OVER (PARTITION BY s, entry ORDER BY x % ws DESC, criterion) AS pos,
         (2 * sum(x) OVER (PARTITION BY s, entry) + ws) // (2 * ws) AS total,
         sum(x // ws) OVER (PARTITION BY s, entry) AS floors
  FROM points
),
totals AS (
  SELECT s, entry, any_value(total) AS total,
         coalesce(sum(p) FILTER (WHERE kind = 'indicator'), 0) AS ind,
         coalesce(sum(p) FILTER (WHERE kind = 'jury'), 0) AS jury,
         coalesce(sum(p) FILTER (WHERE kind = 'questionnaire'), 0) AS q
  FROM (SELECT *, fl + CASE WHEN pos <= total - floors THEN 1 ELSE 0 END AS p FROM alloc)
  GROUP BY s, entry
)
SELECT s, entry, total, rank() OVER (PARTITION BY s ORDER BY total DESC, ind DESC, jury DESC,
                                     q DESC) AS r
FROM totals
"""


def duckdb_reference(inputs: dict, folder: Path) -> tuple[float, float, dict, dict]:
    """Scaled integers (values × 100, normalised × 10⁴, weights × 10⁵): half-up divisions are
    exact. Scenario 0 is the base; 1–24 each multiply one weight by 0.9 or 1.1."""
    import duckdb

    category = inputs["categories"][0]
    with (folder / "vals.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        for e in category["entries"]:
            for key, value in e["values"].items():
                writer.writerow([e["id"], key, "" if value is None else round(float(value) * 100)])
    db = duckdb.connect(":memory:")
    t: dict[str, float] = {}
    with timer(t, "load"):
        db.execute(
            f"CREATE TABLE vals AS SELECT * FROM read_csv('{folder / 'vals.csv'}', header = false,"
            " columns = {'entry': 'INTEGER', 'criterion': 'INTEGER', 'v': 'BIGINT'})"
        )
    db.execute("CREATE TABLE crit (id INTEGER, kind VARCHAR, w100 BIGINT, direction VARCHAR, "
               "top BIGINT)")  # fmt: skip
    db.executemany("INSERT INTO crit VALUES (?, ?, ?, ?, ?)", [
        (c["id"], c["kind"], int(Decimal(c["weight"]) * 100), c["direction"], c["max_points"] * 100)
        for c in category["criteria"]
    ])  # fmt: skip
    db.execute("CREATE TABLE scenarios (s INTEGER, criterion INTEGER, factor BIGINT)")
    scenarios = [(0, None, 1000)] + [
        (i * 2 + j + 1, c["id"], factor)
        for i, c in enumerate(category["criteria"])
        for j, factor in enumerate((900, 1100))
    ]
    db.executemany("INSERT INTO scenarios VALUES (?, ?, ?)", scenarios)
    with timer(t, "query"):
        rows = db.execute(DUCK_SQL).fetchall()
    base = {entry: (total, rank) for s, entry, total, rank in rows if s == 0}
    moved = {s: 0 for s, *_ in scenarios}
    for s, entry, _total, rank in rows:
        if s and rank != base[entry][1]:
            moved[s] += 1
    return t["load"], t["query"], base, moved


def bench_scoring(n: int, seed: int, naive_sample: int) -> list[tuple[str, str]]:
    from lindung.award import scoring

    inputs = synthetic_inputs(n, seed)
    category = inputs["categories"][0]
    t: dict[str, float] = {}
    with timer(t, "compute"):
        computed = scoring.compute(inputs)[1]
    with timer(t, "score"):
        criteria = [scoring.CriterionInput.from_json(c) for c in category["criteria"]]
        raw = {c.id: {int(e["id"]): scoring._decimal(e["values"][str(c.id)])
                      for e in category["entries"]} for c in criteria}  # fmt: skip
        normalised = {c.id: scoring.normalise(c, raw[c.id]) for c in criteria}
        scored = scoring._score(criteria, normalised, [int(e["id"]) for e in category["entries"]],
                                {c.id: c.weight for c in criteria})  # fmt: skip
    totals = {s.entry_id: s.total for s in computed.scores}
    ranks = {s.entry_id: s.rank for s in computed.scores}
    assert {s.entry_id: s.total for s in scored} == totals

    sample = random.Random(seed).sample(category["entries"], min(naive_sample, n))
    with timer(t, "naive"):
        naive = {e["id"]: naive_total(category, e) for e in sample}
    naive_full = t["naive"] / len(sample) * n
    naive_equal = all(Decimal(f"{v:.4f}") == totals[k] for k, v in naive.items())

    with tempfile.TemporaryDirectory(prefix="lindung-bench-award-") as folder:
        load, query, base, moved = duckdb_reference(inputs, Path(folder))
    duck_equal = all(Decimal(total) / 10_000 == totals[e] for e, (total, _r) in base.items())
    duck_ranks = all(rank == ranks[e] for e, (_t, rank) in base.items())
    ours_moved = [len(s["moved"]) for s in computed.sensitivity]
    duck_moved = [moved[s] for s in sorted(moved) if s]
    assert naive_equal, "the naive float totals differ at 4 decimals"
    assert duck_equal and duck_ranks, "DuckDB totals or ranks differ"
    assert ours_moved == duck_moved, "the sensitivity differs from DuckDB's"
    per_pass = t["compute"] / (1 + len(computed.sensitivity))
    return [
        ("synthetic category", f"{n:,} entries × {len(CRITERIA)} criteria "
         f"({sum(v is None for e in category['entries'] for v in e['values'].values()):,} "
         f"missing values), {len(computed.sensitivity)} sensitivity scenarios"),
        ("scoring.compute (score + rank + sensitivity)", f"{t['compute']:.2f} s "
         f"({per_pass * 1000:.0f} ms per pass; stable: {scoring.stable(computed)}, "
         f"{sum(ours_moved):,} rank moves in all scenarios)"),
        ("score and rank once (normalise + _score)", f"{t['score']:.3f} s"),
        (f"naive floats, min/max per entry ({len(sample):,} sampled, extrapolated)",
         f"{naive_full:.2f} s; sample equal to 4 decimals"),
        ("DuckDB, base + 24 scenarios in SQL", f"{query:.2f} s (+ {load:.2f} s load); totals, "
         "ranks and moves equal"),
        ("ratio", f"score once is {naive_full / t['score']:.0f}× faster than the naive floats; "
         f"DuckDB's {len(computed.sensitivity) + 1} passes take {query / t['compute']:.2f}× "
         "the time of scoring.compute's"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--entries", type=int, help="synthetic category size")
    parser.add_argument("--naive-sample", type=int, default=200, help="entries scored naively")
    parser.add_argument("--naive-per-category", type=int, default=3, help="entries per category")
    args = parser.parse_args()
    vendor = django_on_scratch_database()

    from django.conf import settings

    from lindung.award import runs
    from lindung.award.models import Entry
    from lindung.demo.award import demo_edition, ensure_demo_award
    from lindung.registry.models import Employer, Membership

    files = tempfile.TemporaryDirectory(prefix="lindung-bench-award-files-")
    settings.AWARD_FILES_DIR = Path(files.name)  # evidence PDFs never land in the repo's var/
    build_demo_data(args.scale, args.seed)
    t: dict[str, float] = {}
    with timer(t, "round"):
        created = ensure_demo_award()
    demo = demo_edition()
    copy = copy_round(demo)
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        values = runs.freeze_indicators(actor=None, edition=copy)
        best = min(best, time.perf_counter() - start)
    naive, sampled, same = naive_freeze(copy, args.naive_per_category)
    assert same, "the naive per-entry indicators differ from the frozen ones"
    entries = Entry.objects.filter(edition=copy).count()
    rows = [
        ("demo data", f"{Employer.objects.count():,} employers, "
         f"{Membership.objects.count():,} memberships"),
        ("demo round built (ensure_demo_award)", f"{t['round']:.2f} s ({created} entries, "
         f"{demo.runs.count()} runs, published)"),
        ("freeze_indicators (shared context, best of 2)", f"{best:.2f} s ({values:,} values, "
         f"{entries} entries, {best / entries * 1000:.0f} ms per entry)"),
        (f"naive: a context per entry ({sampled} sampled, extrapolated)",
         f"{naive:.2f} s; sample equal"),
        ("ratio", f"the shared context is {naive / best:.1f}× faster than a context per entry"),
    ]  # fmt: skip
    rows += bench_scoring(args.entries or ENTRIES[args.scale], args.seed, args.naive_sample)
    report(f"Paritrana Award on {vendor}, scale {args.scale} (seed {args.seed})", rows)
    files.cleanup()


if __name__ == "__main__":
    main()
