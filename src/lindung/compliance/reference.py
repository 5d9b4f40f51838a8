"""The naive reference of ``checks.run_all``: employer by employer, a few queries each, the
aggregates summed in Python and the fines taken from ``contributions.fines.late_fine`` per bill.

Never used by the application; the tests hold it equal to the set-based run and the benchmark
measures the set-based run against it (bench/compliance.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.compliance import checks
from lindung.compliance.models import BusinessEntry
from lindung.contributions.arrears import BUCKETS
from lindung.contributions.fines import late_fine
from lindung.contributions.models import Bill
from lindung.registry.models import Employer, EmployerStatus, Membership, Segment
from lindung.registry.selectors import active_on


def employer_aggregate(
    employer_id: int, as_of: dt.date, wages: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    rows = list(
        Membership.objects.filter(
            active_on(as_of), employer_id=employer_id, segment=Segment.PU
        ).values("person_id", "wage", "regency_code", "jkk", "jkm", "jht", "jp")
    )
    if not rows:
        return None
    agg: dict[str, Any] = {
        "members": len(rows),
        "persons": len({r["person_id"] for r in rows}),
        "wage_sum": sum(r["wage"] for r in rows),
        "lowest": min(r["wage"] for r in rows),
        "below_min": 0,
        "shortfall": 0,
    }
    for r in rows:
        minimum = checks.wage_for(wages, r["regency_code"])
        if minimum and r["wage"] < minimum["amount"]:
            agg["below_min"] += 1
            agg["shortfall"] += minimum["amount"] - r["wage"]
    for p in ("jkk", "jkm", "jht", "jp"):
        agg[f"no_{p}"] = sum(1 for r in rows if not r[p])
    agg["no_mandatory"] = sum(1 for r in rows if not (r["jkk"] and r["jkm"] and r["jht"]))
    agg["no_mandatory_or_jp"] = sum(
        1 for r in rows if not (r["jkk"] and r["jkm"] and r["jht"] and r["jp"])
    )
    return agg


def employer_arrears(employer_id: int, as_of: dt.date) -> dict[str, Any] | None:
    entry = checks.empty_arrears()
    for bill in Bill.objects.filter(employer_id=employer_id, due_date__lt=as_of):
        fine = late_fine(bill, as_of)
        if fine.unpaid <= 0:
            continue
        days = (as_of - bill.due_date).days
        for name, low, high in BUCKETS:
            if days >= low and (high is None or days <= high):
                entry["buckets"][name] += fine.unpaid
        entry["unpaid"] += fine.unpaid
        entry["fine"] += fine.total
        entry["fine_unconfirmed"] |= fine.unconfirmed
        entry["bills"] += 1
        if entry["oldest_due"] is None or bill.due_date < entry["oldest_due"]:
            entry["oldest_due"] = bill.due_date
    return entry if entry["bills"] else None


def run_naive(
    as_of: dt.date, region: str = "", employer_ids: list[int] | None = None
) -> checks.CheckResult:
    """The same findings as ``checks.run_all`` (for ``employer_ids`` only, when given: the
    benchmark's sample; unregistered businesses are then left out)."""
    result = checks.CheckResult(as_of)
    wages = checks.minimum_wages(as_of.year)
    employers = checks.employer_rows(region)
    ids = sorted(employers) if employer_ids is None else sorted(employer_ids)
    members: dict[int, dict[str, Any]] = {}
    business_of: dict[int, dict[str, Any]] = {}
    businesses: list[dict[str, Any]] = []
    fields = ("id", "nib", "name", "reported_workers", "reported_avg_wage", "source", "year",
              *checks.LEVELS)  # fmt: skip
    done_nibs: set[str] = set()
    for employer_id in ids:
        employer = employers[employer_id]
        agg = employer_aggregate(employer_id, as_of, wages)
        if agg:
            members[employer_id] = agg
        business = None
        if employer["nib"] and employer["status"] != EmployerStatus.CLOSED:
            business = BusinessEntry.objects.filter(nib=employer["nib"]).values(*fields).first()
        if business:
            business_of[employer_id] = business
            if business["nib"] not in done_nibs:
                done_nibs.add(business["nib"])
                businesses.append(business)
        if employer["status"] != EmployerStatus.CLOSED and agg:
            for build in (checks.pds_wage_finding, checks.pds_programme_finding):
                finding = build(employer, agg, business, wages)
                if finding:
                    result.findings.append(finding)
        arrears = employer_arrears(employer_id, as_of)
        if arrears:
            result.findings.append(checks.arrears_finding(employer, arrears, as_of))
    for business in businesses:
        same = [
            i
            for i in ids
            if employers[i]["nib"] == business["nib"]
            and employers[i]["status"] != EmployerStatus.CLOSED
        ]
        registered = sum(members.get(i, {}).get("persons", 0) for i in same)
        finding = checks.pds_workers_finding(
            business, employers[same[0]], registered, same, employers
        )
        if finding:
            result.findings.append(finding)
    if employer_ids is None:
        for b in BusinessEntry.objects.filter(checks._scope(region)).values(*fields):
            taken = (
                Employer.objects.filter(nib=b["nib"]).exclude(status=EmployerStatus.CLOSED).exists()
            )
            if not taken and b["reported_workers"] > 0:
                result.findings.append(checks.unregistered_finding(b))
                businesses.append(b)
    result.scores = checks.scores(result.findings, employers, members, businesses, business_of)
    return result
