from __future__ import annotations

import os

import pytest

from lindung.core.roles import Role
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.regions.factories import (
    RegionBoundaryFactory,
    RegionFactory,
    WorkerPopulationFactory,
    square,
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM use there is safe
# because the browser, not the test, talks to the live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A small explicit tree: two cities of Lampung and one regency of another province.
TREE = {
    "18": "Lampung",
    "18.71": "Kota Bandar Lampung",
    "18.71.01": "Kedaton",
    "18.71.01.1003": "Kedaton",
    "18.71.01.1004": "Surabaya",
    "18.72": "Kota Metro",
    "18.72.01": "Metro Pusat",
    "18.72.01.1001": "Metro",
    "31": "DKI Jakarta",
    "31.71": "Kota Adm. Jakarta Selatan",
}
OWN = "18.71"  # the regency of the regency-officer in the matrix
FOREIGN = ["18.72", "18.72.01", "18.72.01.1001", "31", "31.71"]


@pytest.fixture
def region_tree(db):
    regions = {code: RegionFactory(code=code, name=name) for code, name in TREE.items()}
    for i, code in enumerate(
        ["18.71", "18.72", "18.71.01", "18.72.01", "18.71.01.1003", "18.72.01.1001"]
    ):
        RegionBoundaryFactory(region=regions[code], geometry=square(105.0 + i * 0.1, -5.4))
    for code in ["18", "18.71", "18.72", "31.71"]:
        WorkerPopulationFactory(region=regions[code], value=100_000 + len(code))
    return regions


ROLE_SCOPES: dict[str, list[str]] = {
    Role.ADMIN: [],
    Role.PROVINCE_OFFICER: ["18"],
    Role.REGENCY_OFFICER: [OWN],
    Role.VILLAGE_OPERATOR: ["18.71.01.1003"],
    Role.BPJS_BRANCH: ["18.71"],
    Role.EMPLOYER: [],
    Role.SPONSOR: [],
    Role.AWARD_VERIFIER: [],
    Role.AWARD_JURY: [],
    Role.AUDITOR: [OWN],
}


@pytest.fixture
def make_user(db):
    def make(role: str, scope: list[str] | None = None, **kwargs):
        from lindung.regions.models import Region

        codes = ROLE_SCOPES.get(role, []) if scope is None else scope
        kwargs.setdefault("organisation", OrganisationFactory())
        user = UserFactory(role=role, scope=list(Region.objects.filter(code__in=codes)), **kwargs)
        if role == Role.ADMIN:
            user.is_superuser = user.is_staff = True
            user.save()
        return user

    return make


@pytest.fixture
def users_by_role(region_tree, make_user):
    return {role: make_user(role) for role in ROLE_SCOPES}


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path_factory):
    # Uploaded evidence and case attachments of any test go to a throwaway folder, not var/.
    root = tmp_path_factory.mktemp("private-files")
    settings.AWARD_FILES_DIR = root / "award"
    settings.COMPLIANCE_FILES_DIR = root / "compliance"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 on purpose costs ~0.3 s a password; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
