"""Compliance checks over the demo registry: set-based (`checks.run_all`) versus the naive
employer-by-employer loop (`compliance.reference.run_naive`) in the same run.

    python bench/compliance.py --scale small   # 1 % demo registry, as CI runs it
    python bench/compliance.py --scale full    # the full demo registry

Set DATABASE_URL to measure on PostgreSQL; by default a scratch SQLite file is used. Built first
(not timed): the demo registry, the rate tables, six months of bills with the demo's payments
and the demo business registry (`compliance.demo`). Timed: every check over the whole registry
(set-based, best of two), the same written as a run (`services.run_checks`), and the naive loop
on a random sample of employers, extrapolated per employer (plus one existence query per
business for the unregistered check). The sample's findings must equal the set-based ones.
Issue target: set-based at least 20× faster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, load_lampung_reference, report, timer

AS_OF = dt.date(2025, 12, 31)


def _key(f):
    return (f.kind, f.employer_id or 0, f.business_id or 0, f.severity, f.amount, repr(f.evidence))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--naive-sample", type=int, default=400, help="employers looped")
    args = parser.parse_args()
    vendor = django_on_scratch_database()

    from django.conf import settings

    from lindung.compliance import checks, reference, services
    from lindung.compliance.models import BusinessEntry
    from lindung.contributions.services import load_rate_tables
    from lindung.core.scope import SYSTEM
    from lindung.demo.compliance import ensure_demo_bills, import_business_registry
    from lindung.demo.plan import make_plan
    from lindung.demo.populations import write_populations
    from lindung.demo.synthetic import build_registry
    from lindung.registry.models import Employer, EmployerStatus, Membership

    data = Path(settings.LINDUNG_REFERENCE_DATA)
    load_lampung_reference()
    plan = make_plan(args.scale, data / "lampung_labour.csv")
    write_populations(plan)
    build_registry(plan, seed=args.seed, rebuild=True)
    load_rate_tables()
    bills = ensure_demo_bills(as_of=AS_OF)
    import_business_registry(as_of=AS_OF)

    t: dict[str, float] = {}
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        result = checks.run_all(AS_OF)
        best = min(best, time.perf_counter() - start)
    t["set"] = best
    with timer(t, "run"):
        run = services.run_checks(actor=SYSTEM, as_of=AS_OF)

    employers = sorted(Employer.objects.values_list("id", flat=True))
    sample = sorted(random.Random(args.seed).sample(employers, min(args.naive_sample,
                                                                   len(employers))))  # fmt: skip
    with timer(t, "naive"):
        naive = reference.run_naive(AS_OF, employer_ids=sample)
    per_employer = t["naive"] / len(sample)
    entries = list(BusinessEntry.objects.values_list("nib", flat=True)[:500])
    with timer(t, "naive_unregistered"):
        for nib in entries:
            Employer.objects.filter(nib=nib).exclude(status=EmployerStatus.CLOSED).exists()
    per_business = t["naive_unregistered"] / max(len(entries), 1)
    naive_full = per_employer * len(employers) + per_business * BusinessEntry.objects.count()

    chosen = set(sample)
    mine = sorted(_key(f) for f in result.findings if f.employer_id in chosen)
    theirs = sorted(_key(f) for f in naive.findings)
    assert mine == theirs, "set-based findings differ from the naive loop"

    ratio = naive_full / t["set"]
    counts = result.counts()
    report(
        f"compliance checks on {AS_OF} on {vendor}, scale {args.scale} (seed {args.seed})",
        [
            ("registry", f"{len(employers):,} employers, {Membership.objects.count():,} "
             f"memberships, {bills:,} bills, {BusinessEntry.objects.count():,} businesses"),
            ("findings", ", ".join(f"{k} {v:,}" for k, v in counts.items())),
            ("set-based checks (best of 2)", f"{t['set']:.2f} s"),
            ("run written (checks + findings + scores)", f"{t['run']:.2f} s "
             f"({sum(run.counts.values()):,} findings and scores written)"),
            (f"naive loop ({len(sample):,} employers, extrapolated)",
             f"{naive_full:.2f} s ({per_employer * 1000:.1f} ms per employer); sample equal"),
            ("ratio", f"set-based is {ratio:.0f}× faster (target ≥ 20×: "
             f"{'met' if ratio >= 20 else 'MISSED'})"),
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
