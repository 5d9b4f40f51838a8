"""Roles and what each may do. Scope (which rows) is separate: see ``lindung.core.scope``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    PROVINCE_OFFICER = "province_officer", _("Provincial manpower office")
    REGENCY_OFFICER = "regency_officer", _("Regency/city manpower office")
    VILLAGE_OPERATOR = "village_operator", _("Village operator")
    BPJS_BRANCH = "bpjs_branch", _("BPJS Ketenagakerjaan branch")
    EMPLOYER = "employer", _("Employer")
    SPONSOR = "sponsor", _("CSR sponsor / donor")
    AWARD_VERIFIER = "award_verifier", _("Award verifier")
    AWARD_JURY = "award_jury", _("Award jury")
    AUDITOR = "auditor", _("Auditor")


# Roles whose rows are chosen by region (docs/ARCHITECTURE.md "Region scope"); the others see only
# rows they own (employers, sponsors) or are assigned (verifiers, jury).
REGION_ROLES = frozenset(
    {
        Role.PROVINCE_OFFICER,
        Role.REGENCY_OFFICER,
        Role.VILLAGE_OPERATOR,
        Role.BPJS_BRANCH,
        Role.AUDITOR,
    }
)


class Capability(models.TextChoices):
    VIEW_REGIONS = "view_regions", _("Browse regions and their worker population")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    VIEW_ORGANISATIONS = "view_organisations", _("See organisations")
    VIEW_EMPLOYERS = "view_employers", _("Browse employers in the registry")
    VIEW_PERSONS = "view_persons", _("See persons and memberships, masked")
    REVEAL_PERSONAL_DATA = "reveal_personal_data", _("Reveal one person's data, with a reason")
    EXPORT_REGISTRY = "export_registry", _("Export registry lists (masked, audited)")
    IMPORT_REGISTRY = "import_registry", _("Import BPJS extracts")
    VIEW_BILLS = "view_bills", _("See employers' contribution bills, payments and fines")
    VIEW_COVERAGE = "view_coverage", _("See coverage figures unsuppressed, down to the village")
    MANAGE_COVERAGE = "manage_coverage", _("Enter published coverage figures and refresh facts")
    VIEW_PROGRAMMES = "view_programmes", _("See subsidy programmes, selections and outcomes")
    MANAGE_PROGRAMMES = (
        "manage_programmes",
        _("Plan programmes, run and approve selections, export enrolments, record payments"),
    )
    VIEW_COMPLIANCE = "view_compliance", _("See compliance checks, worklists and cases")
    MANAGE_COMPLIANCE = (
        "manage_compliance",
        _("Work compliance cases: steps, notes, letters, business-registry imports"),
    )
    REGISTER_CANDIDATES = "register_candidates", _("Register and import programme candidates")
    ENROL_BENEFICIARIES = (
        "enrol_beneficiaries",
        _("Confirm enrolments, issue programme invoices, import claims (BPJS branch)"),
    )
    VIEW_SPONSORSHIP = "view_sponsorship", _("See CSR sponsors, pledges and matched workers")
    MANAGE_PLEDGES = "manage_pledges", _("Make pledges (a sponsor, for itself)")
    MATCH_PLEDGES = "match_pledges", _("Match pledges to workers and accept the matching")
    VIEW_AWARD = "view_award", _("See Paritrana Award entries in scope")
    MANAGE_AWARD = (
        "manage_award",
        _("Organise award editions: criteria, entries, assignments, scoring, results"),
    )
    ENTER_AWARD = "enter_award", _("Fill in one's own award entry")
    VERIFY_AWARD = "verify_award", _("Verify the answers of assigned award entries")
    JUDGE_AWARD = "judge_award", _("Score assigned award entries as a juror")
    REGISTER_WORKERS = (
        "register_workers",
        _("Start registrations of workers in one's own area or firm"),
    )
    PROCESS_REGISTRATIONS = (
        "process_registrations",
        _("Check registrations, hand them to the branch and record its answer"),
    )
    VIEW_PUBLIC_WORKERS = (
        "view_public_workers",
        _("See the register of public-sector and village workers and its coverage"),
    )
    MANAGE_PUBLIC_WORKERS = (
        "manage_public_workers",
        _("Keep the register of the bodies of one's own area and send its uncovered workers"),
    )


# Registry (docs/domain.md §9, UU 27/2022): region staff and the BPJS branch see persons masked, may
# reveal one record with an audited reason and export masked lists; the village operator does the
# same for its own village only (its scope). Auditors read the registry masked but neither reveal
# nor export: checking the audit trail needs no personal data, and bulk copies are the riskiest
# channel. Employers see only their own employer rows (owner scope), not persons. Sponsors and
# award roles see nothing of the registry.
_REGISTRY_STAFF = frozenset(
    {
        Capability.VIEW_EMPLOYERS,
        Capability.VIEW_PERSONS,
        Capability.REVEAL_PERSONAL_DATA,
        Capability.EXPORT_REGISTRY,
    }
)

# Coverage (issue 4): region staff, the branch and auditors read unsuppressed figures of their
# scope, and the contribution bills of employers there; the province and the branch, who
# publish figures, enter them. Everyone else reads the
# public dashboard (aggregates with small cells suppressed).
_REGION_FIGURES = frozenset({Capability.VIEW_COVERAGE, Capability.VIEW_BILLS})
_PUBLISHERS = _REGION_FIGURES | {Capability.MANAGE_COVERAGE}

# Subsidy programmes (issue 6): the province and regencies plan and pay for them; village
# operators register candidates of their own village; the branch enrols beneficiaries, bills
# the funder and reports claims; auditors read. Programme rows carry personal data only in
# candidates and enrolments, masked like the registry.
_PROGRAMME_PLANNERS = frozenset(
    {Capability.VIEW_PROGRAMMES, Capability.MANAGE_PROGRAMMES, Capability.REGISTER_CANDIDATES}
)

# Compliance (issue 8, docs/domain.md §4): the branch's inspectors (wasrik) and the province's
# labour
# inspectors (wasnaker), who take over unresolved cases, work cases and import business
# registries; regencies and auditors follow them.
_COMPLIANCE_WORKERS = frozenset({Capability.VIEW_COMPLIANCE, Capability.MANAGE_COMPLIANCE})

# CSR sponsorship (issue 7): a sponsor pledges and follows its own pledges and workers (owner
# scope); the province matches pledges to workers; regencies, the branch and auditors read.
_SPONSOR_READERS = frozenset({Capability.VIEW_SPONSORSHIP})

# Paritrana Award (issue 9, docs/domain.md §6): the province organises the provincial round; regency
# and village offices and employers fill in their own entry; verifiers and jurors work on the
# entries assigned to them; the branch (co-organiser) and auditors read. Rows: award.models.
_AWARD_ENTRANT = frozenset({Capability.VIEW_AWARD, Capability.ENTER_AWARD})

# Registration channels (docs/domain.md §13.1): employers register their own workers, village
# operators their villagers, region officers anyone of their area; the branch checks, takes the
# requests over and records its answer. Self-registration needs no account.
_REGISTRARS = frozenset({Capability.REGISTER_WORKERS})

# Public-sector and village workers (Inpres 2/2021, docs/domain.md §13.2): the province, regencies
# and villages keep the register of the bodies of their area (a village: its own government);
# the branch and auditors read it.
_PUBLIC_EMPLOYERS = frozenset({Capability.VIEW_PUBLIC_WORKERS, Capability.MANAGE_PUBLIC_WORKERS})

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Capability.values),
    Role.PROVINCE_OFFICER: frozenset({Capability.VIEW_REGIONS, Capability.VIEW_ORGANISATIONS})
    | _REGISTRY_STAFF
    | _PUBLISHERS
    | _PROGRAMME_PLANNERS
    | _COMPLIANCE_WORKERS
    | _SPONSOR_READERS
    | _REGISTRARS
    | _PUBLIC_EMPLOYERS
    | {Capability.MATCH_PLEDGES, Capability.VIEW_AWARD, Capability.MANAGE_AWARD},
    Role.REGENCY_OFFICER: frozenset(
        {Capability.VIEW_REGIONS, Capability.VIEW_ORGANISATIONS, Capability.VIEW_COMPLIANCE}
    )
    | _REGISTRY_STAFF
    | _REGION_FIGURES
    | _PROGRAMME_PLANNERS
    | _SPONSOR_READERS
    | _REGISTRARS
    | _PUBLIC_EMPLOYERS
    | _AWARD_ENTRANT,
    Role.VILLAGE_OPERATOR: frozenset(
        {Capability.VIEW_REGIONS, Capability.VIEW_PROGRAMMES, Capability.REGISTER_CANDIDATES}
    )
    | _REGISTRY_STAFF
    | _REGION_FIGURES
    | _REGISTRARS
    | _PUBLIC_EMPLOYERS
    | _AWARD_ENTRANT,
    # The branch is where BPJS extracts come from, so it imports them.
    Role.BPJS_BRANCH: frozenset(
        {
            Capability.VIEW_REGIONS,
            Capability.VIEW_ORGANISATIONS,
            Capability.IMPORT_REGISTRY,
            Capability.VIEW_PROGRAMMES,
            Capability.ENROL_BENEFICIARIES,
            Capability.VIEW_AWARD,
            Capability.VIEW_PUBLIC_WORKERS,
        }
    )
    | _REGISTRY_STAFF
    | _PUBLISHERS
    | _COMPLIANCE_WORKERS
    | _SPONSOR_READERS
    | _REGISTRARS
    | {Capability.PROCESS_REGISTRATIONS},
    # An employer sees its own employer rows and bills (owner scope).
    Role.EMPLOYER: frozenset({Capability.VIEW_EMPLOYERS, Capability.VIEW_BILLS})
    | _AWARD_ENTRANT
    | _REGISTRARS,
    Role.SPONSOR: _SPONSOR_READERS | {Capability.MANAGE_PLEDGES},
    Role.AWARD_VERIFIER: frozenset({Capability.VIEW_AWARD, Capability.VERIFY_AWARD}),
    Role.AWARD_JURY: frozenset({Capability.VIEW_AWARD, Capability.JUDGE_AWARD}),
    Role.AUDITOR: frozenset(
        {
            Capability.VIEW_REGIONS,
            Capability.VIEW_AUDIT,
            Capability.VIEW_ORGANISATIONS,
            Capability.VIEW_EMPLOYERS,
            Capability.VIEW_PERSONS,
            Capability.VIEW_COVERAGE,
            Capability.VIEW_BILLS,
            Capability.VIEW_PROGRAMMES,
            Capability.VIEW_COMPLIANCE,
            Capability.VIEW_SPONSORSHIP,
            Capability.VIEW_AWARD,
            Capability.VIEW_PUBLIC_WORKERS,
        }
    ),
}


def role_has(role: str | None, capability: str) -> bool:
    return bool(role) and capability in ROLE_CAPABILITIES.get(role, frozenset())
