"""The branch's registration pages in the access matrix: the worklist of its area, an officer's
check and a withdrawal, and the registration file (full NIKs, audited, the requests sent).

The world's two requests are both ``checked``: checking the own one again is refused with a
message (no audit row), withdrawing it is accepted, and the file narrowed to 18.71 holds it alone
(one ``registrations.send`` row, for the branch as for the administrator)."""

from __future__ import annotations

from lindung.core.roles import Role
from lindung.registrations.audit import RegistrationAudit
from tests.access import Route, for_roles

# Capability.PROCESS_REGISTRATIONS.
PROCESSORS = {Role.ADMIN, Role.BPJS_BRANCH}
FILE_REASON = "Berkas pendaftaran untuk kantor cabang Bandar Lampung"


def _own(world):
    return {"pk": world["own_registration"].pk}


ROUTES = [
    Route("registrations:branch", for_roles(PROCESSORS), scoped=True),
    Route(
        "registrations:branch-check",
        for_roles(PROCESSORS, ok=302),
        kwargs=_own,
        method="post",
        audits=(),  # the request is checked already: refused with a message
    ),
    Route(
        "registrations:branch-withdraw",
        for_roles(PROCESSORS, ok=302),
        kwargs=_own,
        method="post",
        audits=(RegistrationAudit.WITHDRAW,),
    ),
    Route(
        "registrations:branch-file",
        for_roles(PROCESSORS),
        kwargs=lambda world: {"fmt": "csv"},
        method="post",
        data={"reason": FILE_REASON, "within": "18.71"},
        scoped=True,
        audits=(RegistrationAudit.SEND,),
    ),
]
