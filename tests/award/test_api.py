"""The award API: entries in the caller's scope (every role sees what the pages show it) and the
public results of a published edition."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.award import runs, services
from lindung.award.models import CategoryKind, StageKind
from lindung.core.scope import SYSTEM
from tests.award.factories import award_world, category, make_edition, move_to
from tests.registry.factories import registry_world


@pytest.fixture
def world(region_tree, users_by_role):
    world = {"users": users_by_role, "regions": region_tree}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    return world


def ids(client, **query) -> set[int]:
    response = client.get(reverse("api:award-entries"), query)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", {"own", "foreign", "own_village", "foreign_village", "own_company",
                   "foreign_company"}),
        ("province_officer", {"own", "foreign", "own_village", "foreign_village", "own_company",
                              "foreign_company"}),
        ("regency_officer", {"own"}),
        ("village_operator", {"own_village"}),
        ("bpjs_branch", {"own", "own_village", "own_company"}),
        ("auditor", {"own", "own_village", "own_company"}),
        ("employer", {"own_company"}),
        ("award_verifier", {"own", "own_company"}),
        ("award_jury", {"own", "own_company"}),
    ],
)  # fmt: skip
def test_entries_in_scope_per_role(client, world, role, expected):
    client.force_login(world["users"][role])
    assert ids(client) == {world[f"{key}_entry"].pk for key in expected}


def test_entries_fields_filter_and_refusals(client, world):
    client.force_login(world["users"]["province_officer"])
    rows = client.get(reverse("api:award-entries")).json()["results"]
    own = next(r for r in rows if r["id"] == world["own_entry"].pk)
    assert own["name"] == "Kota Bandar Lampung" and own["region"] == "18.71"
    assert own["edition"] == world["award_edition"].pk and own["category_kind"] == "regency"
    assert own["regency_code"] == "18.71" and own["status"] == "draft" and own["npp"] is None
    company = next(r for r in rows if r["id"] == world["own_company_entry"].pk)
    assert company["npp"] == world["own_employer"].npp and company["region"] is None
    other = make_edition(world["regions"]["18"], name="Lain", year=2023)
    services.add_entry(
        actor=SYSTEM,
        category=category(other, CategoryKind.REGENCY),
        region=world["regions"]["18.72"],
    )
    assert len(ids(client)) == 7
    assert len(ids(client, edition=world["award_edition"].pk)) == 6
    client.force_login(world["users"]["sponsor"])
    assert client.get(reverse("api:award-entries")).status_code == 403
    client.logout()
    assert client.get(reverse("api:award-entries")).status_code == 401


def test_entries_query_count_is_constant(client, world):
    client.force_login(world["users"]["admin"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ids(client)
        return len(captured)

    before = queries()
    other = make_edition(world["regions"]["18"], name="Lain", year=2023)
    services.add_entry(
        actor=SYSTEM,
        category=category(other, CategoryKind.REGENCY),
        region=world["regions"]["18.72"],
    )
    assert queries() == before


def test_results_are_public_once_published(client, world):
    edition = world["award_edition"]
    url = reverse("api:award-results", args=[edition.pk])
    client.force_login(world["users"]["admin"])
    assert client.get(url).status_code == 404
    run = runs.compute_run(actor=SYSTEM, edition=edition)
    move_to(edition, StageKind.JURY_DECISION)
    runs.finalise(actor=SYSTEM, run=run)
    assert client.get(url).status_code == 404  # final, not yet published
    services.advance_stage(actor=SYSTEM, edition=edition)
    client.logout()
    data = client.get(url).json()
    assert data["id"] == edition.pk and data["run"] == run.number
    assert data["inputs_sha256"] == run.inputs_sha256 and data["formula_version"] == "1"
    regency = next(c for c in data["categories"] if c["kind"] == "regency")
    assert {r["name"] for r in regency["results"]} == {"Kota Bandar Lampung", "Kota Metro"}
    assert all(r["winner"] == (r["rank"] <= regency["winners"]) for r in regency["results"])
    stored = {r.entry_id: r for r in run.results.all()}
    for row in regency["results"]:
        assert row["rank"] == stored[row["entry"]].rank
        assert row["total"] == str(stored[row["entry"]].total)
    assert client.get(reverse("api:award-results", args=[edition.pk + 999])).status_code == 404
