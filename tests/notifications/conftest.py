from __future__ import annotations

from typing import Any

import pytest

from lindung.core.roles import Role
from tests.conftest import new_user


@pytest.fixture
def officer(region_tree: dict[str, Any]):
    return new_user(Role.REGENCY_OFFICER, email="siti@example.org", first_name="Siti")


@pytest.fixture
def colleague(region_tree: dict[str, Any]):
    return new_user(Role.REGENCY_OFFICER, email="budi@example.org")


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "id"
