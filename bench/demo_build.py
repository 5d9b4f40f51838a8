"""Synthetic registry build (`lindung demo build`) versus row-by-row ORM creation.

    python bench/demo_build.py --scale small   # 1 %: 7,320 active persons, as CI runs it
    python bench/demo_build.py --scale full    # 731,991 active persons (target < 5 min, SQLite)
    python bench/demo_build.py --steps         # then the rest of `lindung demo`, step by step

Set DATABASE_URL to measure on PostgreSQL; by default a scratch SQLite file is used.
References, computed in the same run: the same generator with the writes skipped (the Python
floor), and the first persons of the build with their memberships created one by one with
``Model.objects.create`` (the naive way), extrapolated to every row. The reference data load
(regions, populations) is not part of the timed build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, load_lampung_reference, report, timer


class _NoWrites:
    """A cursor that accepts the build's statements and does nothing (generation only)."""

    def execute(self, *args, **kwargs) -> None:
        return None

    def executemany(self, *args, **kwargs) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default="small")
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--naive-sample", type=int, default=1000, help="persons created one by one")
    parser.add_argument(
        "--steps", action="store_true", help="then the whole demo on it, wall and CPU per step"
    )
    args = parser.parse_args()
    vendor = django_on_scratch_database()

    from django.conf import settings
    from django.db import transaction

    from lindung.demo.plan import make_plan
    from lindung.demo.populations import write_populations
    from lindung.demo.synthetic import _Builder, build_registry
    from lindung.registry.models import Membership, Person

    data = Path(settings.LINDUNG_REFERENCE_DATA)
    load_lampung_reference()
    plan = make_plan(args.scale, data / "lampung_labour.csv")
    write_populations(plan)
    t: dict[str, float] = {}

    with timer(t, "generate"), transaction.atomic():
        builder = _Builder(plan, args.seed, None)
        builder.employers(_NoWrites())
        builder.persons(_NoWrites())
        builder.finish(_NoWrites())
        transaction.set_rollback(True)

    with timer(t, "build"):
        result = build_registry(plan, seed=args.seed, rebuild=True)
    rows = result.created
    counts = result.extra

    with timer(t, "reuse"):
        again = build_registry(plan, seed=args.seed)
    assert again.extra["reused"] and again.unchanged == rows

    # Naive: the first persons again (fresh NIKs and KPJs), one INSERT per object.
    people = list(Person.objects.order_by("id").values()[: args.naive_sample])
    memberships: dict[int, list[dict]] = {}
    for m in Membership.objects.filter(person_id__in=[p["id"] for p in people]).values():
        memberships.setdefault(m["person_id"], []).append(m)
    naive_rows = 0
    with timer(t, "naive"), transaction.atomic():
        for person in people:
            values = {k: v for k, v in person.items() if k not in {"id", "updated_at"}}
            values["nik"] = "99" + person["nik"][2:]
            copy = Person.objects.create(**values)
            naive_rows += 1
            for m in memberships.get(person["id"], []):
                values = {k: v for k, v in m.items() if k not in {"id", "updated_at", "person_id"}}
                values["kpj"] = "N" + m["kpj"]
                Membership.objects.create(person=copy, **values)
                naive_rows += 1
        transaction.set_rollback(True)
    naive_full = t["naive"] / naive_rows * rows

    report(
        f"demo build on {vendor}, scale {args.scale} (seed {args.seed})",
        [
            (
                "rows written",
                f"{rows:,} ({counts['employers']:,} employers, {counts['persons']:,} persons, "
                f"{counts['memberships']:,} memberships; {counts['active_persons']:,} active "
                "on 2023-12-31)",
            ),
            ("lindung build", f"{t['build']:.2f} s  ({rows / t['build']:,.0f} rows/s)"),
            (
                "generation only (writes skipped)",
                f"{t['generate']:.2f} s  → writing is {t['build'] - t['generate']:.2f} s "
                f"({(t['build'] - t['generate']) / t['build']:.0%})",
            ),
            ("second run (reused)", f"{t['reuse']:.2f} s"),
            (
                f"naive Model.objects.create ({naive_rows:,} rows, extrapolated)",
                f"{naive_full:.2f} s  → lindung is {naive_full / t['build']:.1f}× faster",
            ),
            (
                "target (full scale, SQLite, 2 cores)",
                "< 300 s"
                + (f": {'met' if t['build'] < 300 else 'MISSED'}" if args.scale == "full" else ""),
            ),
        ],
    )
    if args.steps:
        whole_demo(data, args.scale, args.seed)


def whole_demo(data: Path, scale: str, seed: int) -> None:
    """``build_demo`` over the registry just built (reused): every step's wall and CPU time
    (user + system of this process; other programs on the machine stretch the wall time)."""
    from lindung.demo.progress import Reporter, seconds_text
    from lindung.demo.services import build_demo

    with Reporter() as reporter:
        build_demo(data, scale=scale, seed=seed, reporter=reporter)
        wall, cpu = reporter.total()
    report(
        f"lindung demo, scale {scale}, step by step (registry reused)",
        [
            (s.name, f"{seconds_text(s.wall)} (CPU {seconds_text(s.cpu)})  {s.made}")
            for s in reporter.steps
        ]
        + [("all steps", f"{seconds_text(wall)} (CPU {seconds_text(cpu)})")],
    )


if __name__ == "__main__":
    main()
