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


# Roles whose rows are chosen by region (DESIGN.md §8 "Scope and ownership"); the others see only
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


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Capability.values),
    Role.PROVINCE_OFFICER: frozenset({Capability.VIEW_REGIONS, Capability.VIEW_ORGANISATIONS}),
    Role.REGENCY_OFFICER: frozenset({Capability.VIEW_REGIONS, Capability.VIEW_ORGANISATIONS}),
    Role.VILLAGE_OPERATOR: frozenset({Capability.VIEW_REGIONS}),
    Role.BPJS_BRANCH: frozenset({Capability.VIEW_REGIONS, Capability.VIEW_ORGANISATIONS}),
    Role.EMPLOYER: frozenset(),
    Role.SPONSOR: frozenset(),
    Role.AWARD_VERIFIER: frozenset(),
    Role.AWARD_JURY: frozenset(),
    Role.AUDITOR: frozenset(
        {Capability.VIEW_REGIONS, Capability.VIEW_AUDIT, Capability.VIEW_ORGANISATIONS}
    ),
}


def role_has(role: str | None, capability: str) -> bool:
    return bool(role) and capability in ROLE_CAPABILITIES.get(role, frozenset())
