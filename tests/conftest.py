from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import override_settings

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


def build_region_tree() -> dict[str, Any]:
    """The regions of ``TREE`` with a few boundaries and worker populations."""
    regions = {code: RegionFactory(code=code, name=name) for code, name in TREE.items()}
    for i, code in enumerate(
        ["18.71", "18.72", "18.71.01", "18.72.01", "18.71.01.1003", "18.72.01.1001"]
    ):
        RegionBoundaryFactory(region=regions[code], geometry=square(105.0 + i * 0.1, -5.4))
    for code in ["18", "18.71", "18.72", "31.71"]:
        WorkerPopulationFactory(region=regions[code], value=100_000 + len(code))
    return regions


@pytest.fixture
def region_tree(db):
    return build_region_tree()


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


def new_user(role: str, scope: list[str] | None = None, **kwargs: Any):
    """A user of ``role`` scoped to ``scope`` (default: the role's scope in the matrix)."""
    from lindung.regions.models import Region

    codes = ROLE_SCOPES.get(role, []) if scope is None else scope
    kwargs.setdefault("organisation", OrganisationFactory())
    user = UserFactory(role=role, scope=list(Region.objects.filter(code__in=codes)), **kwargs)
    if role == Role.ADMIN:
        user.is_superuser = user.is_staff = True
        user.save()
    return user


def build_users_by_role() -> dict[str, Any]:
    return {role: new_user(role) for role in ROLE_SCOPES}


@pytest.fixture
def make_user(db):
    return new_user


@pytest.fixture
def users_by_role(region_tree, make_user):
    return build_users_by_role()


@contextmanager
def rolled_back() -> Iterator[None]:
    """One transaction per database around a block, rolled back at its end.

    Marked as a test case's own block, so services that insist on being the outermost
    (``atomic(durable=True)``) still run inside it, as they do inside a test's transaction."""
    blocks = []
    for alias in connections:
        block = transaction.atomic(using=alias)
        block._from_testcase = True
        block.__enter__()
        blocks.append((alias, block))
    try:
        yield
    finally:
        for alias, block in reversed(blocks):
            transaction.set_rollback(True, using=alias)
            block.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access for a module-scoped world, built once and rolled back after the module.

    Each test of the module still runs in its own savepoint (``@pytest.mark.django_db``), so
    a test's writes never reach the next test, while the world is built once instead of once
    per test. Such a module must not use ``transactional_db`` or ``live_server``."""
    with django_db_blocker.unblock(), rolled_back():
        yield


@pytest.fixture(scope="session", autouse=True)
def _private_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Uploaded evidence, case attachments and import files of any test go to a throwaway
    # folder, not var/.
    # Session-wide, so worlds built once per module write there too.
    root = tmp_path_factory.mktemp("private-files")
    with override_settings(
        AWARD_FILES_DIR=root / "award",
        COMPLIANCE_FILES_DIR=root / "compliance",
        IMPORT_FILES_DIR=root / "imports",
        LINDUNG_JOB_FILES_DIR=root / "job-files",
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: a cached result never leaks from another test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    # PBKDF2 on purpose costs ~0.3 s a password; tests create hundreds of users.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var dir whose SQLite database ``lindung migrate`` made, once per test process; CLI
    tests start from a copy (tests/cli.py ``copy_db``)."""
    from tests.cli import lindung

    path = tmp_path_factory.mktemp("migrated")
    done = lindung(path, "migrate", "--no-input", "-v", "0")
    assert done.returncode == 0, done.stderr
    assert (path / "lindung.sqlite3").exists()
    return path
