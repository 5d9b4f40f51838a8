"""Compliance figures of a region and of one employer on a day, from the checks' findings
(``checks.run_all``). The award's automatic indicators read them (issue 9), so the figure an
award shows is the one the compliance module gives for the same day.

One province-wide ``CheckResult`` can serve every region and employer inside it: pass it as
``result`` (findings of employers inside ``region`` are the same whether the checks ran on the
region or on a wider one; the one check that looks across regions, unregistered businesses,
is not an employer figure).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from lindung.compliance.checks import CheckResult, FindingData, employer_rows, run_all
from lindung.compliance.models import Check
from lindung.core.numbers import HUNDRED, percent
from lindung.registry.models import EmployerStatus


@dataclass(frozen=True)
class ComplianceRate:
    region: str
    as_of: dt.date
    employers: int  # registered employers not closed
    with_findings: int  # of which with at least one finding on the day
    in_arrears: int

    @property
    def compliant_pct(self) -> Decimal | None:
        return percent(self.employers - self.with_findings, self.employers)

    @property
    def arrears_pct(self) -> Decimal | None:
        return percent(self.in_arrears, self.employers)


def findings_by_employer(result: CheckResult) -> dict[int, list[FindingData]]:
    out: dict[int, list[FindingData]] = defaultdict(list)
    for finding in result.findings:
        if finding.employer_id:
            out[finding.employer_id].append(finding)
    return out


def compliance_rate(
    as_of: dt.date, region: str, result: CheckResult | None = None
) -> ComplianceRate:
    """Share of the region's registered (not closed) employers with no finding on ``as_of``."""
    result = run_all(as_of, region) if result is None else result
    by_employer = findings_by_employer(result)
    employers = [e for e in employer_rows(region).values() if e["status"] != EmployerStatus.CLOSED]
    flagged = [e for e in employers if by_employer.get(e["id"])]
    arrears = [e for e in flagged if any(f.kind == Check.ARREARS for f in by_employer[e["id"]])]
    return ComplianceRate(region, as_of, len(employers), len(flagged), len(arrears))


@dataclass(frozen=True)
class EmployerCompliance:
    """One employer's standing on a day; shares are 100 when the check found nothing."""

    employer_id: int
    as_of: dt.date
    findings: tuple[str, ...]  # kinds
    registered_pct: Decimal  # registered workers of the workforce reported to the registry
    wage_ok_pct: Decimal  # 100 × (1 − the wage finding's severity)
    programmes_pct: Decimal  # members holding every mandatory programme
    arrears_rp: int  # unpaid contributions and accrued fines


def _share_ok(finding: FindingData | None) -> Decimal:
    if finding is None:
        return HUNDRED
    return (HUNDRED * (1 - Decimal(str(finding.severity)))).quantize(Decimal("0.01"))


def employer_compliance(
    as_of: dt.date, employer_id: int, result: CheckResult | None = None, region: str = ""
) -> EmployerCompliance:
    """The figures of one employer (``result``: a run covering it, else the checks run now)."""
    result = run_all(as_of, region) if result is None else result
    found = {f.kind: f for f in findings_by_employer(result).get(employer_id, [])}
    workers = found.get(Check.PDS_WORKERS)
    registered = HUNDRED
    if workers is not None:
        registered = percent(
            workers.evidence["registered_workers"], workers.evidence["reported_workers"]
        ) or Decimal(0)
    arrears = found.get(Check.ARREARS)
    return EmployerCompliance(
        employer_id=employer_id,
        as_of=as_of,
        findings=tuple(sorted(found)),
        registered_pct=registered,
        wage_ok_pct=_share_ok(found.get(Check.PDS_WAGE)),
        programmes_pct=_share_ok(found.get(Check.PDS_PROGRAMME)),
        arrears_rp=(arrears.evidence["unpaid"] + arrears.evidence["fine"]) if arrears else 0,
    )
