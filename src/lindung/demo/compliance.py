"""Compliance part of the demo: ``ensure_demo_compliance`` on a built demo registry.

Deterministic (hashes of NPPs and a seeded generator, never the clock's randomness):

1. bills of the last six contribution months when there are none yet, paid on time by most
   employers; some stopped paying (arrears of every age), some pay half, a few never pay;
2. a business registry derived from the registry employers — most reporting the workforce and
   wages BPJS knows, about 15 % reporting more workers (PDS workers), about 8 % a higher average
   wage (PDS wages) — plus about 12 % extra businesses no employer holds (unregistered), written
   as a CSV file and imported through the pipeline like any upload;
3. one run of the checks; then cases opened on the riskiest subjects and moved to every step
   (with letters), backdated so that some are past their due date.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from lindung.accounts.models import User
from lindung.compliance import services
from lindung.compliance.models import (
    LETTER_STEP,
    BusinessEntry,
    Case,
    Check,
    Referral,
    RiskScore,
    Step,
)
from lindung.contributions.arrears import mark_overdue
from lindung.contributions.audit import ContributionsAudit
from lindung.contributions.bills.generate import (
    REGION_COLUMNS,
    BillRun,
    compute_bills,
    rate_sheet,
)
from lindung.contributions.calculator import due_date
from lindung.contributions.models import Bill, BillLine, BillStatus, Payment, RateSegment
from lindung.core.audit import record_audit
from lindung.core.imports.kinds import importer_for
from lindung.core.imports.pipeline import run_import
from lindung.core.months import add_months
from lindung.core.permissions import require_admin
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.demo.audit import DemoAudit
from lindung.demo.bulk import insert_rows
from lindung.demo.wordlists import EMPLOYER_WORDS
from lindung.registry.models import Employer, EmployerStatus, Membership, Segment
from lindung.registry.selectors import active_on

SEED = 20250801
BILL_MONTHS = 6
CASES = 28
STEP_CYCLE = (Step.IDENTIFIED, Step.REMINDER, Step.WARNING_1, Step.WARNING_2, Step.REFERRED,
              Step.RESOLVED, Step.CLOSED)  # fmt: skip
WORDS = EMPLOYER_WORDS
Phase = Callable[[str], None] | None


def _bucket(text: str) -> int:
    """0–99, stable across runs and machines (CRC-32 of the text)."""
    return zlib.crc32(text.encode()) % 100


def _months_before(day: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months before ``day``'s month, oldest first."""
    return [add_months(day, -n) for n in range(count, 0, -1)]


def ensure_demo_bills(*, as_of: dt.date, actor: Any = SYSTEM) -> int:
    """Bills and payments of the six months before ``as_of`` when none exist; returns bills."""
    months = _months_before(as_of, BILL_MONTHS)
    if Bill.objects.filter(month__in=months).exists():
        return 0
    write_bills(months, actor=actor)
    bills = list(
        Bill.objects.filter(month__in=months).values_list(
            "id", "employer__npp", "month", "due_date", "total"
        )
    )
    payments, paid_ids = [], []
    for bill_id, npp, month, due, total in bills:
        if not due or not total:
            continue
        profile, index = _bucket(npp), months.index(month)
        if profile < 80:
            amount = total  # pays on time
        elif profile < 88:
            amount = total if index < BILL_MONTHS - 2 else 0  # stopped two months ago
        elif profile < 94:
            amount = total if index < 1 else 0  # stopped five months ago
        elif profile < 97:
            amount = total // 2  # pays half
        else:
            amount = 0  # never paid
        if amount:
            payments.append(Payment(bill_id=bill_id, paid_on=due, amount=amount))
            if amount >= total:
                paid_ids.append(bill_id)
    with transaction.atomic():
        Payment.objects.bulk_create(payments, batch_size=2000)
        Bill.objects.filter(pk__in=paid_ids).update(status=BillStatus.PAID)
        mark_overdue(as_of=as_of)
        record_audit(
            actor=actor, action=DemoAudit.COMPLIANCE_PAYMENTS,
            after={"months": months, "bills": len(bills), "payments": len(payments)},
        )  # fmt: skip
    return len(bills)


BILL_FIELDS = ("id", "employer", "month", "due_date", "total", "members", "status",
               "generated_at", *REGION_COLUMNS)  # fmt: skip
LINE_FIELDS = ("id", "bill", "programme", "party", "amount", "members", "rule_ids")


def write_bills(months: list[dt.date], *, actor: Any = SYSTEM) -> list[BillRun]:
    """The bills ``generate_bills`` makes for months that have none, written set-based: the
    engine computes them (``compute_bills``, one grouped query a month, with its rate sheet and
    due date), and the rows go in as tuples (executemany/COPY) instead of ~500,000 ``BillLine``
    objects through ``bulk_create``, which took most of the demo's compliance step. One audit
    row per month, as ``generate_bills`` writes (tests/demo compare both writers)."""
    require_admin(actor)
    runs = []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        if Bill.objects.filter(month__in=months).exists():
            raise ValueError("write_bills only writes months without bills")
        bill_id = (Bill.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        line_id = (BillLine.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        for month in months:
            sheet = rate_sheet(month)
            run = BillRun(month, warnings=list(sheet.warnings))
            due = due_date(RateSegment.PU, month)
            bills, lines = [], []
            for employer_id, data in compute_bills(month, sheet).items():
                total = sum(amount for amount, _m, _r in data["lines"].values())
                run.employers += 1
                run.memberships += data["members"]
                run.missing_risk_class += data["missing_risk"]
                run.total += total
                run.lines += len(data["lines"])
                bills.append((bill_id, employer_id, month.isoformat(),
                              due.isoformat() if due else None, total, data["members"],
                              BillStatus.OPEN.value, now, *data["codes"]))  # fmt: skip
                for (programme, party), (amount, members, rule_ids) in sorted(
                    data["lines"].items()
                ):
                    lines.append((line_id, bill_id, programme, party, amount, members, rule_ids))
                    line_id += 1
                bill_id += 1
            insert_rows(cursor, Bill, BILL_FIELDS, bills)
            insert_rows(cursor, BillLine, LINE_FIELDS, lines)
            run.created = len(bills)
            record_audit(
                actor=actor, action=ContributionsAudit.GENERATE_BILLS, object_type="bill_month",
                object_id=month.isoformat(), object_repr=f"PU bills {month:%Y-%m}",
                after=run.counts(),
            )  # fmt: skip
            runs.append(run)
        # Explicit ids: PostgreSQL's sequences must move past them.
        for sql in connection.ops.sequence_reset_sql(no_style(), [Bill, BillLine]):
            cursor.execute(sql)
    return runs


def business_rows(as_of: dt.date, seed: int = SEED) -> list[dict[str, Any]]:
    """The demo business registry (see the module docstring)."""
    active = dict(
        Membership.objects.filter(active_on(as_of), segment=Segment.PU, employer__isnull=False)
        .order_by()
        .values("employer_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("employer_id", "n")
    )
    wage_sums = dict(
        Membership.objects.filter(active_on(as_of), segment=Segment.PU, employer__isnull=False)
        .order_by()
        .values("employer_id")
        .annotate(a=Sum("wage") / Count("id"))
        .values_list("employer_id", "a")
    )
    rows = []
    employers = (
        Employer.objects.exclude(status=EmployerStatus.CLOSED)
        .exclude(nib="")
        .order_by("npp")
        .values("id", "npp", "nib", "name", "kbli", "village_id")
    )
    taken = set(Employer.objects.exclude(nib="").values_list("nib", flat=True))
    villages = []
    for e in employers:
        profile = _bucket(e["npp"] + "/bisnis")
        workers, wage = active.get(e["id"], 0), wage_sums.get(e["id"])
        villages.append(e["village_id"])
        if workers == 0:
            if profile >= 40:
                continue  # an employer without active workers is mostly not in the registry
            reported = 3 + profile % 15  # inactive in BPJS, still employing: PDS workers
        elif 65 <= profile < 80:
            reported = workers + max(2, workers * (20 + profile % 40) // 100)
        else:
            reported = workers
        avg = None
        if wage and profile % 5 < 3:
            factor = 135 if 80 <= profile < 88 else 100
            avg = int(wage) * factor // 100 // 1000 * 1000
        rows.append(_row(e["nib"], e["name"], e["kbli"], e["village_id"], reported, avg, profile,
                         as_of))  # fmt: skip
    rng = random.Random(seed)
    extra = max(3, len(rows) * 12 // 100)
    for i in range(extra):
        nib = f"{rng.randrange(10**12, 10**13)}"
        while nib in taken:
            nib = f"{rng.randrange(10**12, 10**13)}"
        taken.add(nib)
        name = " ".join((rng.choice(("PT", "CV", "UD")), rng.choice(WORDS), rng.choice(WORDS)))
        workers = 5 + int(rng.paretovariate(1.6) * 4)
        village = rng.choice(villages) if villages else ""
        if village:
            rows.append(_row(nib, name, "", village, min(workers, 400), None, i, as_of))
    return rows


def _row(nib, name, kbli, village, workers, avg, profile, as_of) -> dict[str, Any]:
    return {
        "nib": nib, "nama_usaha": name, "kbli": kbli, "kode_desa": village,
        "jumlah_tenaga_kerja": workers, "rata_rata_upah": avg or "",
        "sumber": "WLKP" if profile % 2 else "OSS", "tahun": as_of.year - (profile % 3 == 0),
    }  # fmt: skip


def import_business_registry(*, as_of: dt.date, actor: Any = SYSTEM) -> Any:
    """Write the demo registry as a CSV file and import it through the pipeline."""
    rows = business_rows(as_of)
    with tempfile.TemporaryDirectory(prefix="lindung-demo-") as folder:
        path = Path(folder) / "registri_usaha_demo.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["nib"])
            writer.writeheader()
            writer.writerows(rows)
        return run_import(importer_for("business_registry"), path, actor=actor)


def _subjects() -> list[RiskScore]:
    """The riskiest subjects, taking turns among the checks so every kind gets cases."""
    picked: dict[int, RiskScore] = {}
    queues = [
        list(RiskScore.objects.filter(current=True, checks__contains=k).order_by("-score", "id")[
            :CASES])
        for k in (Check.UNREGISTERED, Check.ARREARS, Check.PDS_WORKERS, Check.PDS_WAGE,
                  Check.PDS_PROGRAMME)
    ]  # fmt: skip
    while len(picked) < CASES and any(queues):
        for queue in queues:
            while queue:
                score = queue.pop(0)
                if score.pk not in picked:
                    picked[score.pk] = score
                    break
    return list(picked.values())[:CASES]


def open_demo_cases(*, as_of: dt.date, actor: Any = SYSTEM) -> int:
    """Cases at every step, backdated; none when the demo has cases already."""
    if Case.objects.exists():
        return 0
    inspector = User.objects.filter(role=Role.BPJS_BRANCH, is_active=True).order_by("id").first()
    opened = 0
    for i, score in enumerate(_subjects()):
        target = STEP_CYCLE[i % len(STEP_CYCLE)]
        path = [Step.IDENTIFIED]
        while (
            path[-1] != target
            and path[-1] in services.NEXT_STEP
            and target not in (Step.RESOLVED, Step.CLOSED)
        ):
            path.append(services.NEXT_STEP[path[-1]])
        gap = 8 + i % 9  # days between steps: some cases run late
        day = as_of - dt.timedelta(days=gap * (len(path) + (1 if target in services.ENDINGS
                                                               else 0)) + i % 5)  # fmt: skip
        case = services.open_case(
            actor=actor, employer=score.employer, on=day,
            business=None if score.employer_id else score.business,
            assignee=inspector if i % 3 else None,
        )  # fmt: skip
        for step in path[1:]:
            day += dt.timedelta(days=gap)
            referral = Referral.ATTORNEY if Check.ARREARS in case.checks else Referral.TMP2T
            case = services.move_case(
                actor=actor, case=case, to=step, on=day,
                referral=referral if step == Step.REFERRED else "",
            )  # fmt: skip
            kinds = [k for k, s in LETTER_STEP.items() if s == step]
            kind = case.referral if step == Step.REFERRED else kinds[0]
            services.issue_letter(actor=actor, case=case, kind=kind, on=day)
        if target in services.ENDINGS:
            day += dt.timedelta(days=gap)
            note = "Kewajiban telah dipenuhi" if target == Step.RESOLVED else "Usaha tutup"
            services.move_case(actor=actor, case=case, to=target, on=day, note=note)
        opened += 1
    return opened


def ensure_demo_compliance(
    *, actor: Any = SYSTEM, as_of: dt.date | None = None, phase: Phase = None
) -> dict[str, Any]:
    """Bills and payments, the business registry, one run of the checks and cases at every
    step. Safe to call again: bills and cases are made once, the import is idempotent.
    ``phase`` hears which of the four it is at (the demo's progress)."""
    as_of = as_of or dt.date.today()
    say = phase or (lambda _text: None)
    say("bills")
    bills = ensure_demo_bills(as_of=as_of, actor=actor)
    say("business registry")
    job = import_business_registry(as_of=as_of, actor=actor)
    say("checks")
    run = services.run_checks(actor=actor, as_of=as_of)
    say("cases")
    cases = open_demo_cases(as_of=as_of, actor=actor)
    return {
        "bills": bills,
        "businesses": BusinessEntry.objects.count(),
        "import": job.counts() if job else {},
        "findings": run.counts,
        "cases": cases,
        "as_of": as_of.isoformat(),
    }
