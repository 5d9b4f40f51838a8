"""The public registration pages in the access matrix: self-registration and its reference page,
the status look-up (open to everyone), and registration on a person's behalf by a village
operator or an officer of the area (docs/domain.md §13.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.core.roles import Role
from lindung.registrations.audit import RegistrationAudit
from tests.access import ROLES, Route, for_roles
from tests.registry.factories import OWN_VILLAGE, nik_for

PUBLIC = dict.fromkeys(ROLES, 200)
# REGISTER_WORKERS with a region scope (or none at all: the administrator). Employers have the
# capability too, for their own firm, through the employer portal.
REGISTRARS = {
    Role.ADMIN,
    Role.PROVINCE_OFFICER,
    Role.REGENCY_OFFICER,
    Role.VILLAGE_OPERATOR,
    Role.BPJS_BRANCH,
}
BIRTH = dt.date(1988, 5, 17)


def registration_data(n: int = 601, **overrides: Any) -> dict[str, Any]:
    """The registration form filled in for a BPU worker of the village operator's village
    (serial ``n`` of a NIK no world holds), JKK+JKM on Rp 1.000.000, paying themselves."""
    data: dict[str, Any] = {
        "nik": nik_for(OWN_VILLAGE, n, BIRTH),
        "name": f"Pekerja Desa {n}",
        "sex": "M",
        "birth_date": BIRTH.isoformat(),
        "village_code": OWN_VILLAGE,
        "occupation": "Petani",
        "income": "1.000.000",
        "phone": "",
        "email": "",
        "payer": "self",
        "consent": "on",
        "action": "register",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


SIMULATE = {"income": "1.000.000", "action": "simulate"}

ROUTES = [
    Route("registrations:self", PUBLIC),
    # "Hitung iuran" stores nothing. A registration as listed would leave a submit audit row for
    # the anonymous visitor too, which the matrix counts as a refused write; the tests of
    # test_public_self.py cover it.
    Route("registrations:self", PUBLIC, method="post", data=SIMULATE, audits=()),
    # Without a registration of this browser's session: back to the form.
    Route("registrations:self-done", dict.fromkeys(ROLES, 302)),
    Route("registrations:status", PUBLIC),
    # An empty look-up: refused with the form's errors (and not counted by the throttle).
    Route("registrations:status", dict.fromkeys(ROLES, 400), method="post", audits=()),
    Route("registrations:village", for_roles(REGISTRARS), scoped=True),
    Route(
        "registrations:village",
        for_roles(REGISTRARS, ok=302),
        method="post",
        data=registration_data(),
        audits=(RegistrationAudit.SUBMIT,),
    ),
]
