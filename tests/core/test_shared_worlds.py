"""The suite's shared worlds (docs/ARCHITECTURE.md "Tests"): built once per module inside a
transaction rolled back after it, each test in its own savepoint on top."""

from __future__ import annotations

import pytest
from django.db import transaction

from lindung.accounts.models import Organisation
from tests.accounts.factories import OrganisationFactory
from tests.conftest import rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture(scope="module")
def world(module_db: None) -> dict[str, Organisation]:
    return {"shared": OrganisationFactory(name="Shared world")}


@pytest.mark.parametrize("run", range(3))
def test_each_test_sees_the_world_and_none_of_the_others_writes(world, run: int) -> None:
    assert Organisation.objects.get(pk=world["shared"].pk).name == "Shared world"
    assert not Organisation.objects.filter(name__startswith="Written by").exists()
    OrganisationFactory(name=f"Written by {run}")
    Organisation.objects.filter(pk=world["shared"].pk).update(name=f"Renamed by {run}")


def test_the_worlds_transaction_is_gone_after_the_block() -> None:
    with rolled_back():
        OrganisationFactory(name="Temporary")
        # Services that insist on being outermost still run inside a world, as inside a test.
        with transaction.atomic(durable=True):
            OrganisationFactory(name="Durable")
        assert Organisation.objects.filter(name__in=["Temporary", "Durable"]).count() == 2
    assert not Organisation.objects.filter(name__in=["Temporary", "Durable"]).exists()
