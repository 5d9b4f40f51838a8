"""The deterministic Lampung demo (DESIGN.md §7): reference data, one account per role, and the
synthetic registry (employers, persons, membership histories; ``demo.synthetic``), then
programmes, sponsors, compliance cases and the Paritrana Award round (``award.demo``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from lindung.accounts import services as accounts
from lindung.accounts.models import Organisation, OrganisationKind, User
from lindung.award.demo import demo_edition, ensure_demo_award
from lindung.compliance.demo import ensure_demo_compliance
from lindung.compliance.models import Case
from lindung.contributions.services import load_rate_tables
from lindung.core.audit import record_audit
from lindung.core.loading import LoadResult
from lindung.core.roles import Role
from lindung.coverage.services import load_coverage_reference
from lindung.coverage.services import refresh as refresh_coverage
from lindung.demo.plan import make_plan
from lindung.demo.populations import write_populations
from lindung.demo.programmes import ensure_demo_programmes
from lindung.demo.social_registry import build_social_registry
from lindung.demo.synthetic import (
    AUDIT_ACTION_PROGRAMMES,
    DEFAULT_SEED,
    Progress,
    build_registry,
    last_build,
    registry_counts,
)
from lindung.programmes.models import Candidate, Programme
from lindung.regions import services as regions
from lindung.regions.models import Region
from lindung.registry.models import Employer, EmployerStatus, SizeClass
from lindung.sponsorship.demo import ensure_demo_sponsorship
from lindung.sponsorship.models import Sponsor

DEMO_PASSWORD = "lindung-demo"  # noqa: S105 - printed on the demo login page on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: tuple[str, ...]
    organisation: tuple[str, str, str | None] | None  # name, kind, region code


def _first_village(district_prefix: str) -> str:
    return (
        Region.objects.filter(level="village", code__startswith=district_prefix + ".")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def demo_accounts() -> list[DemoAccount]:
    village = _first_village("18.71.01")
    return [
        DemoAccount("admin", Role.ADMIN, (), None),
        DemoAccount(
            "provinsi",
            Role.PROVINCE_OFFICER,
            ("18",),
            ("Disnakertrans Provinsi Lampung", OrganisationKind.PROVINCIAL_OFFICE, "18"),
        ),
        DemoAccount(
            "bandarlampung",
            Role.REGENCY_OFFICER,
            ("18.71",),
            ("Disnaker Kota Bandar Lampung", OrganisationKind.REGENCY_OFFICE, "18.71"),
        ),
        DemoAccount(
            "metro",
            Role.REGENCY_OFFICER,
            ("18.72",),
            ("Disnaker Kota Metro", OrganisationKind.REGENCY_OFFICE, "18.72"),
        ),
        DemoAccount(
            "desa",
            Role.VILLAGE_OPERATOR,
            (village,),
            (f"Pemerintah Kelurahan {village}", OrganisationKind.VILLAGE, village),
        ),
        DemoAccount(
            "bpjs",
            Role.BPJS_BRANCH,
            ("18",),
            ("BPJS Ketenagakerjaan Cabang Bandar Lampung", OrganisationKind.BPJS_BRANCH, "18.71"),
        ),
        DemoAccount("auditor", Role.AUDITOR, ("18",), None),
        DemoAccount(
            "perusahaan",
            Role.EMPLOYER,
            (),
            ("PT Contoh Sejahtera (demo)", OrganisationKind.EMPLOYER, "18.71"),
        ),
        DemoAccount(
            "sponsor",
            Role.SPONSOR,
            (),
            ("Yayasan CSR Contoh (demo)", OrganisationKind.SPONSOR, "18.71"),
        ),
        # The Paritrana Award round (award.demo): two verifiers and three jurors.
        *(
            DemoAccount(
                name,
                Role.AWARD_VERIFIER,
                (),
                ("Tim Verifikasi Paritrana Lampung", OrganisationKind.OTHER, "18"),
            )
            for name in ("verifikator", "verifikator2")
        ),
        *(
            DemoAccount(
                name,
                Role.AWARD_JURY,
                (),
                ("Dewan Juri Paritrana Lampung", OrganisationKind.AWARD_JURY, "18"),
            )
            for name in ("juri", "juri2", "juri3")
        ),
    ]


@transaction.atomic
def ensure_demo_accounts(*, actor: Any = None) -> list[str]:
    """Create the demo accounts that do not exist yet; returns the usernames created."""
    created = []
    for account in demo_accounts():
        if User.objects.filter(username=account.username).exists():
            continue
        organisation = None
        if account.organisation:
            name, kind, region_code = account.organisation
            organisation = Organisation.objects.filter(name=name, kind=kind).first()
            if organisation is None:
                organisation = accounts.create_organisation(
                    actor=actor, name=name, kind=kind, region_code=region_code
                )
        accounts.create_user(
            actor=actor,
            username=account.username,
            password=DEMO_PASSWORD,
            role=account.role,
            scope_codes=account.scope,
            organisation=organisation,
        )
        created.append(account.username)
    return created


DEMO_EMPLOYER = "PT Contoh Sejahtera (demo)"


@transaction.atomic
def link_demo_employer(*, actor: Any = None) -> Employer | None:
    """Let the demo employer account own one synthetic company in Bandar Lampung, so the
    employer role sees its own workers. Nothing changes when it already owns one."""
    organisation = Organisation.objects.filter(
        name=DEMO_EMPLOYER, kind=OrganisationKind.EMPLOYER
    ).first()
    if organisation is None or Employer.objects.filter(owner=organisation).exists():
        return None
    candidates = Employer.objects.filter(
        regency_code="18.71", status=EmployerStatus.ACTIVE
    ).order_by("npp")
    employer = (
        candidates.filter(size_class__in=[SizeClass.MEDIUM, SizeClass.LARGE]).first()
        or candidates.first()
    )
    if employer is None:
        return None
    before = {"name": employer.name, "owner": None}
    employer.name, employer.owner = organisation.name, organisation
    employer.save(update_fields=["name", "owner", "updated_at"])
    record_audit(
        actor=actor,
        action="demo.link_employer",
        target=employer,
        region_code=employer.village_id,
        before=before,
        after={"name": employer.name, "owner": organisation.pk},
    )
    return employer


def build_demo(
    data_dir: Path,
    *,
    scale: str = "full",
    seed: int = DEFAULT_SEED,
    rebuild: bool = False,
    actor: Any = None,
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
            actor=actor, action=AUDIT_ACTION_PROGRAMMES, object_repr=f"demo {scale}",
            after={**(build := last_build() or {}), "rows": registry_counts(),
                   "built_rows": build.get("built_rows", build.get("rows"))},
        )  # fmt: skip
    created = ensure_demo_sponsorship(actor=actor)
    results["sponsorship"] = LoadResult(
        source="demo CSR sponsors", sha256="", created=created,
        unchanged=Sponsor.objects.count() - created,
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
