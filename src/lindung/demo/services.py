"""The deterministic Lampung demo: reference data, one account per role
(``demo.accounts``), and the synthetic registry (employers, persons, membership histories;
``demo.synthetic``), then programmes, sponsors, registration requests, the register of public
workers (``demo.public_workers``), compliance cases and the Paritrana Award round
(``demo.award``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lindung.compliance.models import Case
from lindung.contributions.services import load_rate_tables
from lindung.core.audit import record_audit
from lindung.core.loading import LoadResult
from lindung.core.scope import SYSTEM
from lindung.coverage.services import load_coverage_reference
from lindung.coverage.services import refresh as refresh_coverage
from lindung.demo.accounts import (
    DEMO_EMPLOYER,
    DEMO_PASSWORD,
    DemoAccount,
    demo_accounts,
    ensure_demo_accounts,
    link_demo_employer,
)
from lindung.demo.audit import DemoAudit
from lindung.demo.award import demo_edition, ensure_demo_award
from lindung.demo.compliance import ensure_demo_compliance
from lindung.demo.plan import make_plan
from lindung.demo.populations import write_populations
from lindung.demo.programmes import ensure_demo_programmes
from lindung.demo.public_workers import ensure_demo_public_workers
from lindung.demo.registrations import ensure_demo_registrations
from lindung.demo.social_registry import build_social_registry
from lindung.demo.sponsorship import ensure_demo_sponsorship
from lindung.demo.synthetic import (
    DEFAULT_SEED,
    Progress,
    build_registry,
    last_build,
    registry_counts,
)
from lindung.programmes.models import Candidate, Programme
from lindung.publicworkers.models import PublicWorker
from lindung.regions import services as regions
from lindung.registrations.models import Registration
from lindung.sponsorship.models import Sponsor

# The accounts moved to demo.accounts; tests/accounts still import them from here.
__all__ = [
    "DEMO_EMPLOYER",
    "DEMO_PASSWORD",
    "DemoAccount",
    "build_demo",
    "demo_accounts",
    "ensure_demo_accounts",
    "link_demo_employer",
]


def build_demo(
    data_dir: Path,
    *,
    scale: str = "full",
    seed: int = DEFAULT_SEED,
    rebuild: bool = False,
    actor: Any = SYSTEM,
    progress: Progress = None,
) -> dict[str, LoadResult]:
    """Reference data, demo accounts, demo populations and the synthetic registry, in that order.

    Every step is idempotent; the registry is reused when the same scale and seed are built
    already (``rebuild`` forces a new build).
    """
    results = regions.load_reference_data(data_dir, actor=actor)
    results.update(load_rate_tables(actor=actor))
    ensure_demo_accounts(actor=actor)
    plan = make_plan(scale, data_dir / "lampung_labour.csv")
    results["populations"] = write_populations(plan)
    results["registry"] = build_registry(
        plan, seed=seed, actor=actor, rebuild=rebuild, progress=progress
    )
    link_demo_employer(actor=actor)
    created = build_social_registry(SOCIAL_REGISTRY[scale], seed=seed)
    results["candidates"] = LoadResult(
        source=f"synthetic social registry ({scale})", sha256="", created=created,
        unchanged=0 if created else Candidate.objects.count(),
    )  # fmt: skip
    created = ensure_demo_programmes(scale=scale, seed=seed, actor=actor)
    results["programmes"] = LoadResult(
        source="demo programmes", sha256="", created=created,
        # CSR pledges are carried by programmes too; they are the sponsorship step's.
        unchanged=Programme.objects.exclude(funder__kind__in=("csr", "individual")).count()
        - created,
    )  # fmt: skip
    if results["programmes"].created:
        # Enrolments added members: the reuse marker must know the counts they leave.
        record_audit(
            actor=actor, action=DemoAudit.BUILD_PROGRAMMES, object_repr=f"demo {scale}",
            after={**(build := last_build() or {}), "rows": registry_counts(),
                   "built_rows": build.get("built_rows", build.get("rows"))},
        )  # fmt: skip
    created = ensure_demo_sponsorship(actor=actor)
    results["sponsorship"] = LoadResult(
        source="demo CSR sponsors", sha256="", created=created,
        unchanged=Sponsor.objects.count() - created,
    )  # fmt: skip
    created = ensure_demo_registrations(scale=scale, seed=seed)
    results["registrations"] = LoadResult(
        source="demo registration requests", sha256="", created=created,
        unchanged=Registration.objects.count() - created,
    )  # fmt: skip
    # After the registry and the requests: the covered workers' memberships start in 2024, so
    # neither the calibrated 2023 figures nor the compliance day (2023) see them.
    register = ensure_demo_public_workers(scale=scale, seed=seed, actor=actor)
    results["public_workers"] = LoadResult(
        source="demo public-sector and village workers", sha256="", created=register.created,
        unchanged=PublicWorker.objects.count() - register.created,
        extra={"bodies": register.bodies, "persons": register.persons,
               "memberships": register.memberships},
    )  # fmt: skip
    compliance = ensure_demo_compliance(actor=actor, as_of=COMPLIANCE_AS_OF)
    results["compliance"] = LoadResult(
        source="demo compliance cases", sha256="", created=compliance["cases"],
        unchanged=Case.objects.count() - compliance["cases"], extra=compliance,
    )  # fmt: skip
    results["coverage"] = load_coverage_reference(data_dir / "lampung_labour.csv", actor=actor)
    # A new registry makes every fact stale; a reused one keeps its facts (only missing months).
    refresh_coverage(force=not results["registry"].extra.get("reused"), actor=actor)
    # After the facts: the award's indicators read coverage at the edition's cut-off.
    created = ensure_demo_award(actor=actor)
    edition = demo_edition()
    results["award"] = LoadResult(
        source="demo Paritrana Award", sha256="", created=created,
        unchanged=(edition.entries.count() if edition else 0) - created,
    )  # fmt: skip
    return results


# The demo's compliance day: its coverage reference day, whose reported wages the synthetic
# registry draws against that year's UMP (a few percent below it on purpose). Later days would
# compare 2023 wages with the 2025 UMK and flag nearly every employer.
COMPLIANCE_AS_OF = dt.date(2023, 12, 31)

# Candidates of the synthetic social registry (issue 6: "about 400,000"); 1 % at small scale.
SOCIAL_REGISTRY = {"full": 400_000, "small": 4_000}
