"""Registration pages in the access matrix: one module per side (public, employer, branch), and
the funnel here (coverage readers and registrars of an area or firm)."""

from lindung.core.roles import Role
from lindung.registrations.audit import RegistrationAudit
from tests.access import Route, for_roles
from tests.registrations.routes_branch import ROUTES as BRANCH
from tests.registrations.routes_employer import ROUTES as EMPLOYER
from tests.registrations.routes_public import ROUTES as PUBLIC

FUNNEL_READERS = {
    Role.ADMIN,
    Role.PROVINCE_OFFICER,
    Role.REGENCY_OFFICER,
    Role.VILLAGE_OPERATOR,
    Role.BPJS_BRANCH,
    Role.AUDITOR,
    Role.EMPLOYER,
}

FUNNEL = [
    Route("registrations:funnel", for_roles(FUNNEL_READERS), scoped=True),
    Route(
        "api:registration-funnel",
        for_roles(FUNNEL_READERS, anonymous=401),
        scoped=True,
    ),
]

# Hand-offs when funding ends: the programmes' staff of the area (foreign rows are 404).
HANDOFF_STAFF = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER}

HANDOFF = [
    Route("registrations:handoffs", for_roles(HANDOFF_STAFF), scoped=True),
    Route(
        "registrations:handoff-choose",
        for_roles(HANDOFF_STAFF, ok=302),
        kwargs=lambda w: {"pk": w["own_handoff"].pk},
        method="post",
        data={"choice": "declined"},
        audits=(RegistrationAudit.HANDOFF,),
    ),
]

ROUTES = [*PUBLIC, *EMPLOYER, *BRANCH, *FUNNEL, *HANDOFF]
