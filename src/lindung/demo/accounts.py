"""The demo's accounts, one per role (their password is printed on the demo login page), and the
demo employer account's company in the synthetic registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from lindung.accounts import services as accounts
from lindung.accounts.models import Organisation, OrganisationKind, User
from lindung.core.audit import record_audit
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.demo.audit import DemoAudit
from lindung.regions.models import Region
from lindung.registry.models import Employer, EmployerStatus, SizeClass

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


def _name(code: str | None) -> str:
    """The region's name for an organisation's name (its code when the name is unknown)."""
    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return name or str(code)


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
            (f"Pemerintah Kelurahan {_name(village)}", OrganisationKind.VILLAGE, village),
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
        # The Paritrana Award round (demo.award): two verifiers and three jurors.
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
def ensure_demo_accounts(*, actor: Any = SYSTEM) -> list[str]:
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
def link_demo_employer(*, actor: Any = SYSTEM) -> Employer | None:
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
        action=DemoAudit.LINK_EMPLOYER,
        target=employer,
        region_code=employer.village_id,
        before=before,
        after={"name": employer.name, "owner": organisation.pk},
    )
    return employer
