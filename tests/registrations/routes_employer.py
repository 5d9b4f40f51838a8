"""The employer portal in the access matrix: only an employer user, for the firms its organisation
owns (the world's employer owns ``own_employer``); another firm, its workers or someone else's
file are "not found" (404); every other role is refused (403), whatever capability it holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.core.models import ImportJob
from lindung.core.roles import Role
from lindung.registrations.employer_selectors import IMPORT_KIND
from tests.access import Route, for_roles
from tests.registry.factories import OWN_VILLAGE, nik_for

EMPLOYER_ONLY = for_roles({Role.EMPLOYER})


def _own(world: dict[str, Any]) -> dict[str, Any]:
    return {"npp": world["own_employer"].npp}


def _foreign(world: dict[str, Any]) -> dict[str, Any]:
    return {"npp": world["foreign_employer"].npp}


def _own_worker(world: dict[str, Any]) -> dict[str, Any]:
    return {"npp": world["own_employer"].npp, "membership_id": world["own_membership"].pk}


def _foreign_worker(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "npp": world["foreign_employer"].npp,
        "membership_id": world["foreign_membership"].pk,
    }


def _own_file(world: dict[str, Any]) -> dict[str, Any]:
    """A done worker file of the employer user (made in the test's own savepoint)."""
    job, _created = ImportJob.objects.get_or_create(
        kind=IMPORT_KIND,
        file_sha256="e" * 64,
        actor=world["users"]["employer"],
        defaults={"file_name": "pekerja.csv", "state": "done"},
    )
    return {"job_id": job.pk}


def _foreign_file(world: dict[str, Any]) -> dict[str, Any]:
    return {"job_id": world["foreign_import_job"].pk}  # the admin's


WORKER = {
    "nik": nik_for(OWN_VILLAGE, 611, dt.date(1990, 1, 1)),
    "name": "Pekerja Matriks",
    "sex": "M",
    "birth_date": "1990-01-01",
    "village": OWN_VILLAGE,
    "occupation": "Operator",
    "wage": "3.500.000",
    "programmes": ["JKK", "JKM", "JHT"],
    "first_month": "2025-03",
}

ROUTES = [
    Route("registrations:employer", EMPLOYER_ONLY, scoped=True),
    Route("registrations:employer-register", EMPLOYER_ONLY, _own, scoped=True, foreign=_foreign),
    Route(
        "registrations:employer-register",
        for_roles({Role.EMPLOYER}, ok=302),
        _own,
        method="post",
        data=WORKER,
        audits=("registrations.submit",),
    ),
    Route("registrations:employer-upload", EMPLOYER_ONLY, _own, scoped=True, foreign=_foreign),
    # No file: refused with 400 for the employer (the file journey: test_employer_import.py).
    Route(
        "registrations:employer-upload",
        for_roles({Role.EMPLOYER}, ok=400),
        _own,
        method="post",
        audits=(),
    ),
    *(
        Route(name, EMPLOYER_ONLY, _own_worker, scoped=True, foreign=_foreign_worker)
        for name in ("registrations:employer-wage", "registrations:employer-exit")
    ),
    Route(
        "registrations:employer-wage",
        for_roles({Role.EMPLOYER}, ok=302),
        _own_worker,
        method="post",
        data={"new_wage": "3.600.000", "effective_month": "2026-01"},
        audits=("registrations.change.wage",),
    ),
    Route(
        "registrations:employer-exit",
        for_roles({Role.EMPLOYER}, ok=302),
        _own_worker,
        method="post",
        data={"exit_date": "2025-12-31", "reason": "mengundurkan diri"},
        audits=("registrations.change.exit",),
    ),
    Route(
        "registrations:employer-file", EMPLOYER_ONLY, _own_file, scoped=True, foreign=_foreign_file
    ),
    Route(
        "registrations:employer-file-rejects",
        EMPLOYER_ONLY,
        _own_file,
        foreign=_foreign_file,
    ),
]
