"""Monthly PU bills (`generate_bills`, set-based) versus ``calculate_month`` per membership.

    python bench/bills.py --scale small   # 1 % demo registry, as CI runs it
    python bench/bills.py --scale full    # the full demo registry

Set DATABASE_URL to measure on PostgreSQL; by default a scratch SQLite file is used. The demo
registry and the rate tables are built first (not timed). Timed: ``generate_bills`` for 2023-12
on an empty bill table, the same again (nothing changes), and the naive reference — one
``calculate_month`` call per active PU membership, on a sample, extrapolated. The sample's sums
are checked against the bills. Issue target: set-based at least 20× faster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, load_lampung_reference, report, timer

MONTH = dt.date(2023, 12, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--naive-sample", type=int, default=2000, help="memberships recomputed")
    args = parser.parse_args()
    vendor = django_on_scratch_database()

    from django.conf import settings
    from django.db.models import Count

    from lindung.contributions.bills.generate import active_pu_memberships, generate_bills
    from lindung.contributions.bills.generate import reference_bill_lines as naive
    from lindung.contributions.models import BillLine
    from lindung.contributions.services import load_rate_tables
    from lindung.demo.plan import make_plan
    from lindung.demo.populations import write_populations
    from lindung.demo.synthetic import build_registry

    data = Path(settings.LINDUNG_REFERENCE_DATA)
    load_lampung_reference()
    plan = make_plan(args.scale, data / "lampung_labour.csv")
    write_populations(plan)
    build_registry(plan, seed=args.seed, rebuild=True)
    load_rate_tables()

    t: dict[str, float] = {}
    with timer(t, "bills"):
        run = generate_bills(month=MONTH)
    with timer(t, "again"):
        again = generate_bills(month=MONTH)
    assert again.unchanged == run.created and again.updated == again.created == 0

    # Naive: whole employers in random order (so their bills can be compared) until the sample
    # holds --naive-sample memberships, then extrapolated per membership.
    sizes = dict(
        active_pu_memberships(MONTH)
        .exclude(employer__risk_class__isnull=True)
        .order_by()
        .values_list("employer_id")
        .annotate(n=Count("id"))
    )
    order = sorted(sizes)
    random.Random(args.seed).shuffle(order)
    sample, budget = [], args.naive_sample
    for employer_id in order:
        if budget <= 0:
            break
        if sizes[employer_id] <= max(budget, 50):
            sample.append(employer_id)
            budget -= sizes[employer_id]
    members = list(
        active_pu_memberships(MONTH).filter(employer_id__in=sample).select_related("employer")
    )
    with timer(t, "naive"):
        reference = naive(MONTH, members)
    per_member = t["naive"] / max(len(members), 1)
    naive_full = per_member * run.memberships
    billed: dict[int, dict] = {}
    for e, p, party, amount in BillLine.objects.filter(
        bill__month=MONTH, bill__employer_id__in=list(reference)
    ).values_list("bill__employer_id", "programme", "party", "amount"):
        if amount:
            billed.setdefault(e, {})[(p, party)] = amount
    expected = {e: {k: v for k, v in lines.items() if v} for e, lines in reference.items()}
    assert billed == expected, "bills differ from the calculator"

    ratio = naive_full / t["bills"]
    report(
        f"PU bills {MONTH:%Y-%m} on {vendor}, scale {args.scale} (seed {args.seed})",
        [
            (
                "bills written",
                f"{run.created:,} bills, {run.lines:,} lines, {run.memberships:,} active PU "
                f"memberships, total Rp {run.total:,}",
            ),
            (
                "generate_bills (set-based)",
                f"{t['bills']:.2f} s  ({run.memberships / t['bills']:,.0f} memberships/s)",
            ),
            ("second run (unchanged)", f"{t['again']:.2f} s"),
            (
                f"naive calculate_month ({len(members):,} memberships of "
                f"{len(reference):,} employers, extrapolated)",
                f"{naive_full:.2f} s  ({1 / per_member:,.0f} memberships/s); sample sums equal",
            ),
            ("ratio", f"set-based is {ratio:.0f}× faster (target ≥ 20×: "
             f"{'met' if ratio >= 20 else 'MISSED'})"),
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
