"""The compliance checks, set-based (issue 8 item 2; docs/domain.md §4).

A run reads the whole registry (or one region subtree) in a handful of grouped queries — one
over the active PU memberships, one over the business registry and one over the bills in
arrears — and joins their rows in memory; nothing queries per employer. Each check
yields findings with the numbers that justify them (``evidence``) and a severity in 0–1; the
risk score of a subject is ``size_factor(workforce) × Σ weight(check) × severity`` (conf.py).

``reference.py`` computes the same findings employer by employer (the naive loop), which the
tests and the benchmark compare against.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from lindung.compliance import conf
from lindung.compliance.models import BusinessEntry, Check
from lindung.contributions.arrears import BUCKETS, with_unpaid
from lindung.contributions.fines import _rules_on, months_late
from lindung.contributions.models import Bill, Programme
from lindung.core import regioncodes
from lindung.core.scope import region_q
from lindung.regions.models import MinimumWage
from lindung.registry.models import Employer, EmployerStatus, Membership, Segment
from lindung.registry.selectors import active_on

LEVELS = tuple(regioncodes.LEVEL_COLUMNS.values())
MANDATORY = ("jkk", "jkm", "jht")  # every PU worker (docs/domain.md §1.1)
JP_SIZES = ("medium", "large")  # JP mandatory for medium/large employers (PP 6/2025 Art. 4(3))


@dataclass
class FindingData:
    kind: str
    severity: float
    amount: int
    evidence: dict[str, Any]
    regions: dict[str, str]
    employer_id: int | None = None
    business_id: int | None = None

    @property
    def subject(self) -> tuple[str, int]:
        return ("e", self.employer_id) if self.employer_id else ("b", self.business_id or 0)


@dataclass
class ScoreData:
    employer_id: int | None
    business_id: int | None
    name: str
    score: float
    checks: list[str]
    workers: int
    regions: dict[str, str]


@dataclass
class CheckResult:
    as_of: dt.date
    findings: list[FindingData] = field(default_factory=list)
    scores: list[ScoreData] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Check.values, 0)
        for f in self.findings:
            counts[f.kind] += 1
        counts["subjects"] = len(self.scores)
        return counts


# --- minimum wages -------------------------------------------------------------------------------


def minimum_wages(year: int) -> dict[str, dict[str, Any]]:
    """Region code → the UMK/UMP in force for ``year``: the row of that year, else the latest
    earlier year (the evidence names the year used)."""
    table: dict[str, dict[str, Any]] = {}
    rows = MinimumWage.objects.filter(year__lte=year).order_by("year")
    for code, kind, wage_year, amount in rows.values_list("region_id", "kind", "year", "amount"):
        table[code] = {"region": code, "kind": kind, "year": wage_year, "amount": amount}
    return table


def wage_for(table: dict[str, dict[str, Any]], regency_code: str) -> dict[str, Any] | None:
    """UMK of the regency, else UMP of its province (docs/domain.md: UMK ≥ UMP where set)."""
    if regency_code in table:
        return table[regency_code]
    province = regency_code.split(".")[0] if regency_code else ""
    return table.get(province)


def minimum_wage_expression(table: dict[str, dict[str, Any]]) -> Case:
    """SQL ``CASE`` giving each membership row the minimum wage of its work regency."""
    whens = [
        When(regency_code=code, then=Value(w["amount"]))
        for code, w in table.items()
        if code.count(".") == 1
    ]
    whens += [
        When(province_code=code, then=Value(w["amount"]))
        for code, w in table.items()
        if "." not in code
    ]
    return Case(*whens, default=Value(None), output_field=BigIntegerField())


# --- the checks ----------------------------------------------------------------------------------


def _scope(region: str, prefix: str = "") -> Q:
    return region_q(prefix, [region]) if region else Q()


def _regions(row: dict[str, Any], prefix: str = "") -> dict[str, str]:
    return {c: row[f"{prefix}{c}"] for c in LEVELS}


def membership_aggregates(
    as_of: dt.date, region: str = "", table: dict[str, dict[str, Any]] | None = None
) -> dict[int, dict[str, Any]]:
    """Per employer, over its PU memberships active on ``as_of``: one grouped query."""
    table = minimum_wages(as_of.year) if table is None else table
    minimum = minimum_wage_expression(table)
    below = Q(wage__lt=minimum)
    rows = (
        Membership.objects.filter(
            active_on(as_of), _scope(region, "employer__"), segment=Segment.PU
        )
        .exclude(employer__isnull=True)
        .order_by()
        .values("employer_id")
        .annotate(
            members=Count("id"),
            persons=Count("person_id", distinct=True),
            wage_sum=Sum("wage"),
            lowest=Min("wage"),
            below_min=Count("id", filter=below),
            shortfall=Coalesce(
                Sum(Case(When(below, then=minimum - F("wage")), default=Value(0))), Value(0)
            ),
            no_jkk=Count("id", filter=Q(jkk=False)),
            no_jkm=Count("id", filter=Q(jkm=False)),
            no_jht=Count("id", filter=Q(jht=False)),
            no_jp=Count("id", filter=Q(jp=False)),
            no_mandatory=Count("id", filter=Q(jkk=False) | Q(jkm=False) | Q(jht=False)),
            no_mandatory_or_jp=Count(
                "id", filter=Q(jkk=False) | Q(jkm=False) | Q(jht=False) | Q(jp=False)
            ),
        )
    )
    return {r.pop("employer_id"): r for r in rows}


def employer_rows(region: str = "") -> dict[int, dict[str, Any]]:
    fields = ("id", "npp", "nib", "name", "size_class", "status", *LEVELS)
    return {r["id"]: r for r in Employer.objects.filter(_scope(region)).order_by().values(*fields)}


def business_rows(region: str = "") -> list[dict[str, Any]]:
    """Businesses in the region plus those whose NIB belongs to an employer of the region,
    each flagged ``registered`` when a not-closed employer anywhere holds its NIB."""
    registered = Employer.objects.filter(nib=OuterRef("nib")).exclude(status=EmployerStatus.CLOSED)
    query = BusinessEntry.objects.all()
    if region:
        nibs = Employer.objects.filter(_scope(region)).exclude(nib="").values("nib")
        query = query.filter(_scope(region) | Q(nib__in=nibs))
    fields = ("id", "nib", "name", "reported_workers", "reported_avg_wage", "source", "year")
    return list(
        query.annotate(registered=Exists(registered))
        .order_by()
        .values(*fields, "registered", *LEVELS)
    )


def unpaid_bills(as_of: dt.date, region: str = "") -> list[dict[str, Any]]:
    """Bills past due and not fully paid on ``as_of``, with each programme's line sum: one
    query (payments come in through a subquery, so joining the lines multiplies nothing)."""
    bills = with_unpaid(Bill.objects.filter(_scope(region), due_date__lt=as_of), as_of)
    sums = {
        f"p_{p}": Coalesce(Sum("lines__amount", filter=Q(lines__programme=p)), Value(0))
        for p in Programme.values
    }
    return list(
        bills.filter(unpaid__gt=0)
        .order_by()
        .values("id", "employer_id", "due_date", "total", "unpaid")
        .annotate(**sums)
    )


def bill_fine(bill: dict[str, Any], as_of: dt.date, rules: dict[dt.date, list]) -> tuple[int, bool]:
    """The fine of one bill row, by exactly the rule of ``contributions.fines.late_fine``."""
    months = months_late(bill["due_date"], as_of)
    unpaid, total = bill["unpaid"], bill["total"]
    if not (unpaid and months and total):
        return 0, False
    if bill["due_date"] not in rules:
        rules[bill["due_date"]] = _rules_on(bill["due_date"])
    fine, unconfirmed = 0, False
    for rule in rules[bill["due_date"]]:
        percent = rule.fine_percent_per_month or Decimal(0)
        for programme in rule.programmes.split(","):
            amount = bill.get(f"p_{programme.strip()}", 0)
            if not amount or not percent:
                continue
            base = Decimal(amount) * unpaid / total
            fine += int((base * percent / 100 * months).quantize(Decimal(1), ROUND_HALF_UP))
            unconfirmed |= rule.confidence == "unconfirmed"
    return fine, unconfirmed


def empty_arrears() -> dict[str, Any]:
    """An employer's arrears before its first unpaid bill is added (shared with the naive
    reference, so both build the same shape)."""
    return {
        "unpaid": 0,
        "buckets": {name: 0 for name, _low, _high in BUCKETS},
        "fine": 0,
        "fine_unconfirmed": False,
        "bills": 0,
        "oldest_due": None,
    }


def arrears_by_employer(as_of: dt.date, region: str = "") -> dict[int, dict[str, Any]]:
    """Per employer: unpaid amounts in the ageing buckets of ``contributions.arrears`` (days
    overdue = ``as_of - due_date``), accrued fines and the oldest due date — from the one bill
    query above."""
    out: dict[int, dict[str, Any]] = {}
    rules: dict[dt.date, list] = {}
    for bill in unpaid_bills(as_of, region):
        entry = out.setdefault(bill["employer_id"], empty_arrears())
        days = (as_of - bill["due_date"]).days
        for name, low, high in BUCKETS:
            if days >= low and (high is None or days <= high):
                entry["buckets"][name] += bill["unpaid"]
        fine, unconfirmed = bill_fine(bill, as_of, rules)
        entry["unpaid"] += bill["unpaid"]
        entry["fine"] += fine
        entry["fine_unconfirmed"] |= unconfirmed
        entry["bills"] += 1
        if entry["oldest_due"] is None or bill["due_date"] < entry["oldest_due"]:
            entry["oldest_due"] = bill["due_date"]
    return out


def run_all(as_of: dt.date, region: str = "") -> CheckResult:
    """Every check over the region (``""``: everything) on day ``as_of``."""
    result = CheckResult(as_of)
    employers = employer_rows(region)
    wages = minimum_wages(as_of.year)
    members = membership_aggregates(as_of, region, wages)
    businesses = business_rows(region)
    by_nib: dict[str, list[int]] = defaultdict(list)
    for e in sorted(employers.values(), key=lambda e: e["id"]):
        if e["nib"] and e["status"] != EmployerStatus.CLOSED:
            by_nib[e["nib"]].append(e["id"])
    business_of: dict[int, dict[str, Any]] = {}
    for b in businesses:
        in_region = not region or regioncodes.is_within(b["village_code"], region)
        if not b["registered"]:
            if in_region and b["reported_workers"] > 0:
                result.findings.append(unregistered_finding(b))
            continue
        for employer_id in by_nib.get(b["nib"], []):
            business_of[employer_id] = b
        ids = by_nib.get(b["nib"], [])
        if ids:
            registered = sum(members.get(i, {}).get("persons", 0) for i in ids)
            finding = pds_workers_finding(b, employers[ids[0]], registered, ids, employers)
            if finding:
                result.findings.append(finding)
    for employer_id, agg in members.items():
        employer = employers.get(employer_id)
        if employer is None or employer["status"] == EmployerStatus.CLOSED:
            continue
        business = business_of.get(employer_id)
        for build in (pds_wage_finding, pds_programme_finding):
            finding = build(employer, agg, business, wages)
            if finding:
                result.findings.append(finding)
    for employer_id, arrears in arrears_by_employer(as_of, region).items():
        if employer_id in employers:
            result.findings.append(arrears_finding(employers[employer_id], arrears, as_of))
    result.scores = scores(result.findings, employers, members, businesses, business_of)
    return result


# --- one finding per check (shared with the naive reference) -------------------------------------


def unregistered_finding(b: dict[str, Any]) -> FindingData:
    return FindingData(
        kind=Check.UNREGISTERED,
        severity=1.0,
        amount=b["reported_workers"],
        business_id=b["id"],
        regions=_regions(b),
        evidence={
            "nib": b["nib"],
            "source": b["source"],
            "year": b["year"],
            "reported_workers": b["reported_workers"],
            "reported_avg_wage": b["reported_avg_wage"],
            "employers_with_nib": 0,
        },
    )


def pds_workers_finding(
    b: dict[str, Any],
    employer: dict[str, Any],
    registered: int,
    ids: list[int],
    employers: dict[int, dict[str, Any]],
) -> FindingData | None:
    gap = b["reported_workers"] - registered
    if gap < conf.worker_margin() or b["reported_workers"] <= 0:
        return None
    return FindingData(
        kind=Check.PDS_WORKERS,
        severity=round(gap / b["reported_workers"], 4),
        amount=gap,
        employer_id=employer["id"],
        business_id=b["id"],
        regions=_regions(employer),
        evidence={
            "nib": b["nib"],
            "source": b["source"],
            "year": b["year"],
            "reported_workers": b["reported_workers"],
            "registered_workers": registered,
            "unregistered_workers": gap,
            "npp": [employers[i]["npp"] for i in ids],
        },
    )


def pds_wage_finding(
    employer: dict[str, Any],
    agg: dict[str, Any],
    business: dict[str, Any] | None,
    wages: dict[str, dict[str, Any]],
) -> FindingData | None:
    members = agg["members"]
    average = agg["wage_sum"] // members if members else 0
    declared = business["reported_avg_wage"] if business else None
    short_average = bool(declared) and average < declared * (1 - conf.wage_tolerance())
    if not (agg["below_min"] or short_average):
        return None
    share_below = agg["below_min"] / members if members else 0.0
    share_short = (declared - average) / declared if short_average else 0.0
    return FindingData(
        kind=Check.PDS_WAGE,
        severity=round(min(1.0, max(share_below, share_short)), 4),
        amount=agg["below_min"] if agg["below_min"] else members,
        employer_id=employer["id"],
        business_id=business["id"] if business else None,
        regions=_regions(employer),
        evidence={
            "members": members,
            "members_below_minimum": agg["below_min"],
            "monthly_shortfall": agg["shortfall"],
            "lowest_wage": agg["lowest"],
            "minimum_wage": wage_for(wages, employer["regency_code"]),
            "registered_avg_wage": average,
            "declared_avg_wage": declared,
            "tolerance": conf.wage_tolerance(),
        },
    )


def pds_programme_finding(
    employer: dict[str, Any],
    agg: dict[str, Any],
    business: dict[str, Any] | None,
    wages: dict[str, dict[str, Any]],
) -> FindingData | None:
    jp_required = employer["size_class"] in JP_SIZES
    affected = agg["no_mandatory_or_jp"] if jp_required else agg["no_mandatory"]
    if not affected:
        return None
    missing = {p.upper(): agg[f"no_{p}"] for p in MANDATORY}
    missing["JP"] = agg["no_jp"] if jp_required else None
    return FindingData(
        kind=Check.PDS_PROGRAMME,
        severity=round(affected / agg["members"], 4),
        amount=affected,
        employer_id=employer["id"],
        business_id=business["id"] if business else None,
        regions=_regions(employer),
        evidence={
            "members": agg["members"],
            "members_missing_a_programme": affected,
            "missing": missing,
            "size_class": employer["size_class"],
            "jp_required": jp_required,
        },
    )


def arrears_finding(employer: dict[str, Any], a: dict[str, Any], as_of: dt.date) -> FindingData:
    months = months_late(a["oldest_due"], as_of) if a["oldest_due"] else 0
    return FindingData(
        kind=Check.ARREARS,
        severity=round(min(1.0, months / conf.arrears_full_months()), 4),
        amount=a["unpaid"],
        employer_id=employer["id"],
        regions=_regions(employer),
        evidence={
            "unpaid": a["unpaid"],
            "ageing": a["buckets"],
            "fine": a["fine"],
            "fine_unconfirmed": a["fine_unconfirmed"],
            "bills": a["bills"],
            "oldest_due": a["oldest_due"].isoformat() if a["oldest_due"] else None,
            "months_late": months,
        },
    )


def scores(
    findings: list[FindingData],
    employers: dict[int, dict[str, Any]],
    members: dict[int, dict[str, Any]],
    businesses: list[dict[str, Any]],
    business_of: dict[int, dict[str, Any]],
) -> list[ScoreData]:
    """Risk per subject: ``size_factor(workforce) × Σ weight × severity`` (docs/compliance.md);
    workforce = the reported workforce when the business registry has one, else registered."""
    weights = conf.weights()
    by_subject: dict[tuple[str, int], list[FindingData]] = defaultdict(list)
    for f in findings:
        by_subject[f.subject].append(f)
    business_by_id = {b["id"]: b for b in businesses}
    out = []
    for (kind, pk), found in by_subject.items():
        if kind == "e":
            e = employers[pk]
            b = business_of.get(pk)
            workers = b["reported_workers"] if b else members.get(pk, {}).get("persons", 0)
            name, regions = e["name"], _regions(e)
        else:
            b = business_by_id[pk]
            workers, name, regions = b["reported_workers"], b["name"], _regions(b)
        raw = sum(weights.get(f.kind, 0.0) * f.severity for f in found)
        out.append(
            ScoreData(
                employer_id=pk if kind == "e" else None,
                business_id=pk if kind == "b" else None,
                name=name,
                score=round(raw * conf.size_factor(workers), 2),
                checks=sorted(f.kind for f in found),
                workers=workers,
                regions=regions,
            )
        )
    out.sort(key=lambda s: (-s.score, s.name))
    return out
