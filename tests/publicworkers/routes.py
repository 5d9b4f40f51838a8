"""The register of public-sector and village workers in the access matrix: the overview, a body's
page and its actions, and the API. Readers are ``VIEW_PUBLIC_WORKERS`` holders (the branch and
auditors read only), keepers ``MANAGE_PUBLIC_WORKERS`` holders; a body outside the area is a 404,
and a village operator sees its own village government only (the overview sends it there).

The world (``publicworkers_world``): a village government on each side of the regency officer's
border, one covered and one uncovered person on each register."""

from __future__ import annotations

from lindung.core.roles import Role
from lindung.publicworkers.audit import PublicWorkerAudit
from lindung.registrations.audit import RegistrationAudit
from tests.access import Route, for_roles
from tests.publicworkers.factories import BIRTH
from tests.registry.factories import OWN_VILLAGE, nik_for

READERS = {
    Role.ADMIN,
    Role.PROVINCE_OFFICER,
    Role.REGENCY_OFFICER,
    Role.VILLAGE_OPERATOR,
    Role.BPJS_BRANCH,
    Role.AUDITOR,
}
KEEPERS = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER, Role.VILLAGE_OPERATOR}


def _own_body(world):
    return {"pk": world["own_body"].pk}


def _foreign_body(world):
    return {"pk": world["foreign_body"].pk}


WORKER = {
    "nik": nik_for(OWN_VILLAGE, 850, BIRTH),
    "name": "Kader Posyandu Baru",
    "sex": "F",
    "birth_date": BIRTH.isoformat(),
    "category": "posyandu_cadre",
    "honorarium": "500.000",
    "budget_source": "DanaDesa",
    "village_code": OWN_VILLAGE,
    "listed_from": "2025-01-01",
}

PAGES = [
    # A village operator is sent to its village government's page.
    Route(
        "publicworkers:index",
        {**for_roles(READERS), Role.VILLAGE_OPERATOR: 302},
        scoped=True,
    ),
    Route(
        "publicworkers:body",
        for_roles(READERS),
        kwargs=_own_body,
        scoped=True,
        foreign=_foreign_body,
    ),
    Route(
        "publicworkers:worker-add",
        for_roles(KEEPERS),
        kwargs=_own_body,
        scoped=True,
        foreign=_foreign_body,
    ),
]

# Category rules: every reader sees them (a village operator its regency's); the regency's
# officers, the province and the administrator set 18.71's own rule.
RULES = [
    Route("publicworkers:rules", for_roles(READERS), scoped=True),
    Route(
        "publicworkers:rules",
        for_roles({Role.ADMIN, Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER}, ok=302),
        method="post",
        data={
            "regency": "18.71",
            "category": "rt_rw_head",
            "segment": "BPU",
            "programmes": ["JKK", "JKM", "JHT"],
            "wage_basis": "fixed",
            "wage_amount": "1.000.000",
            "source": "Perwali contoh 2025",
            "confidence": "◐",
        },
        audits=(PublicWorkerAudit.RULE,),
    ),
]

WRITES = [
    # The village operator's village government exists already: it is only sent there; the
    # others are no village operators.
    Route(
        "publicworkers:own-body",
        for_roles({Role.VILLAGE_OPERATOR}, ok=302),
        method="post",
        audits=(),
    ),
    Route(
        "publicworkers:worker-add",
        for_roles(KEEPERS, ok=302),
        kwargs=_own_body,
        method="post",
        data=WORKER,
        audits=(PublicWorkerAudit.SAVE,),
    ),
    # The uncovered RT head becomes a BPU registration request.
    Route(
        "publicworkers:send",
        for_roles(KEEPERS, ok=302),
        kwargs=_own_body,
        method="post",
        data={"which": "filtered"},
        audits=(RegistrationAudit.SUBMIT, PublicWorkerAudit.SEND),
    ),
    # The job runs in the request here (LINDUNG_JOBS_INLINE), and the job's page follows.
    Route(
        "publicworkers:reconcile",
        for_roles(KEEPERS, ok=302),
        kwargs=_own_body,
        method="post",
        audits=(PublicWorkerAudit.RECONCILE,),
    ),
    Route(
        "publicworkers:budget",
        for_roles(KEEPERS, ok=302),
        kwargs=_own_body,
        method="post",
        data={
            "category": "village_official",
            "fiscal_year": "2025",
            "planned": "1.872.000",
            "realised": "0",
        },
        audits=(PublicWorkerAudit.BUDGET,),
    ),
]

# The monitoring table of Bandar Lampung as a file (outside a village operator's area: 404).
REPORTS = [
    Route(
        "publicworkers:report",
        {**for_roles(READERS), Role.VILLAGE_OPERATOR: 404},
        kwargs=lambda world: {"fmt": "xlsx"},
        query={"region": "18.71"},
        scoped=True,
    ),
]

API = [
    Route("api:public-worker-coverage", for_roles(READERS, anonymous=401), scoped=True),
    Route("api:public-worker-list", for_roles(READERS, anonymous=401), scoped=True),
    Route(
        "api:public-worker-detail",
        for_roles(READERS, anonymous=401),
        kwargs=lambda world: {"pk": world["own_public_worker"].pk},
        scoped=True,
        foreign=lambda world: {"pk": world["foreign_public_worker"].pk},
    ),
]

ROUTES = [*PAGES, *RULES, *WRITES, *REPORTS, *API]
