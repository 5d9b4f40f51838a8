"""Who sees which entry (issue 9 "Done when"): an entrant only its own entry, a verifier or juror
only the entries assigned, organisers by region — the query layer, role by role. The pages and
endpoints are in the access matrix (tests/award/routes_*.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lindung.award import selectors, services
from lindung.award.models import AssignmentKind, Entry
from lindung.core.scope import SYSTEM
from tests.access import ROLES
from tests.award.factories import award_world
from tests.registry.factories import registry_world

ENTRIES = ["own", "foreign", "own_village", "foreign_village", "own_company", "foreign_company"]
ALL = set(ENTRIES)
# Role → the entries it sees (the own side is 18.71 and its village 18.71.01.1003).
EXPECTED: dict[str, set[str]] = {
    "admin": ALL,
    "province_officer": ALL,  # organiser of the Lampung round
    "regency_officer": {"own"},  # entrant for its regency only, not its villages or companies
    "village_operator": {"own_village"},
    "bpjs_branch": {"own", "own_village", "own_company"},  # co-organiser, reads its region
    "auditor": {"own", "own_village", "own_company"},
    "employer": {"own_company"},
    "sponsor": set(),
    "award_verifier": {"own", "own_company"},  # assigned
    "award_jury": {"own", "own_company"},
}


@pytest.fixture
def world(region_tree, users_by_role):
    world = {"users": users_by_role}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    return world


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_entries_per_role(world, role):
    user = world["users"][role]
    seen = {e.pk for e in Entry.objects.for_actor(user)}
    assert seen == {world[f"{k}_entry"].pk for k in EXPECTED[role]}, role
    if role == "sponsor":
        with pytest.raises(PermissionDenied):
            selectors.entries_for(user)
        return
    assert {e.pk for e in selectors.entries_for(user)} == seen
    editions = set(selectors.editions_for(user))
    assert editions == ({world["award_edition"]} if seen else set())


def test_a_second_juror_sees_only_what_is_assigned_to_them(world, make_user):
    other = make_user("award_jury")
    assert not Entry.objects.for_actor(other).exists()
    services.assign(
        actor=SYSTEM, entry=world["foreign_entry"], user=other, kind=AssignmentKind.JUROR
    )
    assert list(Entry.objects.for_actor(other)) == [world["foreign_entry"]]
    # Being a verifier of an entry is not being its juror, and the other way round.
    verifier = make_user("award_verifier")
    services.assign(
        actor=SYSTEM, entry=world["foreign_entry"], user=verifier, kind=AssignmentKind.VERIFIER
    )
    assert list(Entry.objects.for_actor(verifier)) == [world["foreign_entry"]]
    assert list(Entry.objects.for_actor(world["users"]["award_jury"]).order_by("pk")) == [
        world["own_entry"],
        world["own_company_entry"],
    ]


def test_an_employer_of_another_company_sees_nothing(world, make_user):
    stranger = make_user("employer")
    assert not Entry.objects.for_actor(stranger).exists()
