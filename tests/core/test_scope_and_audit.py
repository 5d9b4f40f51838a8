"""Row visibility through ``for_actor`` and audit rows (request ids, JSON-safe snapshots)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from lindung.accounts.models import Organisation
from lindung.core.audit import AuditAction, record_audit, snapshot
from lindung.core.middleware import current_request_id, request_id_bound
from lindung.core.models import AuditLog
from lindung.core.regioncodes import is_within
from lindung.core.roles import Role
from lindung.core.scope import actor_scope
from lindung.regions.models import MinimumWage, Region, RegionBoundary, WorkerPopulation
from tests.accounts.factories import OrganisationFactory
from tests.conftest import TREE

pytestmark = pytest.mark.engine

SAFE_REQUEST_ID = "req-42.test_A"


class ScopeTestAudit(AuditAction):
    """Actions of these tests only (a test's enum is never listed in docs/audit-events.md)."""

    TOUCH = "test.touch", "touch"
    GLOBAL = "test.global", "global"
    EDIT = "test.edit", "edit"
    SYSTEM = "test.system", "system"
    JSON = "test.json", "json"
    CLI = "test.cli", "cli"


def test_a_free_string_is_not_an_audit_action(db) -> None:
    with pytest.raises(TypeError, match="not a member of an AuditAction"):
        record_audit(actor=None, action="registry.person.reveal")


def inside(scopes: list[str], codes: object = TREE) -> set[str]:
    """Codes of ``codes`` lying in any of the subtrees ``scopes`` (the oracle for for_actor)."""
    return {c for c in codes if any(is_within(c, s) for s in scopes)}


def visible(model: type, user: object) -> set[str]:
    return {str(code) for code in model.objects.for_actor(user).values_list("pk", flat=True)}


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.PROVINCE_OFFICER, ["18"]),
        (Role.REGENCY_OFFICER, ["18.71"]),
        (Role.VILLAGE_OPERATOR, ["18.71.01.1003"]),
        (Role.BPJS_BRANCH, ["18.72"]),
        (Role.AUDITOR, ["31"]),
        (Role.REGENCY_OFFICER, ["18.71", "31.71"]),  # two scope regions: both subtrees
        (Role.BPJS_BRANCH, ["18.71", "18"]),  # overlapping scopes: no duplicates
    ],
)
def test_region_roles_see_their_subtrees(region_tree, make_user, role, scope) -> None:
    user = make_user(role, scope=scope)
    regions = list(Region.objects.for_actor(user).values_list("code", flat=True))
    assert len(regions) == len(set(regions))
    assert set(regions) == inside(scope)
    assert actor_scope(user).region_codes == tuple(sorted(scope))


def test_scope_is_applied_through_the_level_columns_of_related_tables(
    region_tree, make_user
) -> None:
    officer = make_user(Role.REGENCY_OFFICER, scope=["18.71"])
    province = make_user(Role.PROVINCE_OFFICER, scope=["18"])
    # Populations exist for 18, 18.71, 18.72 and 31.71: the province figure is above the
    # regency officer's scope and must not be visible to them.
    populations = WorkerPopulation.objects.for_actor(officer)
    assert set(populations.values_list("region_id", flat=True)) == {"18.71"}
    assert set(
        WorkerPopulation.objects.for_actor(province).values_list("region_id", flat=True)
    ) == {"18", "18.71", "18.72"}
    # RegionBoundary reaches the columns through ``region__``.
    with_boundary = set(RegionBoundary.objects.values_list("region_id", flat=True))
    assert visible(RegionBoundary, officer) == inside(["18.71"], with_boundary)
    assert visible(RegionBoundary, officer) == {"18.71", "18.71.01", "18.71.01.1003"}


def test_scope_follows_a_fresh_copy_of_the_user_after_the_scope_changes(
    region_tree, make_user
) -> None:
    user = make_user(Role.REGENCY_OFFICER, scope=["18.71"])
    assert visible(Region, user) == inside(["18.71"])
    user.scope_regions.set([region_tree["18.72"]])
    fresh = type(user).objects.get(pk=user.pk)
    assert visible(Region, fresh) == inside(["18.72"])


@pytest.mark.parametrize("who", ["anonymous", "none", "inactive"])
def test_anonymous_and_inactive_users_see_nothing(region_tree, make_user, who) -> None:
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "none":
        user = None
    else:
        user = make_user(Role.PROVINCE_OFFICER, scope=["18"], is_active=False)
    assert not Region.objects.for_actor(user).exists()
    assert not WorkerPopulation.objects.for_actor(user).exists()
    assert not Organisation.objects.for_actor(user).exists()
    assert actor_scope(user).covers_region("18") is False


def test_admins_are_unrestricted(region_tree, make_user) -> None:
    admin = make_user(Role.ADMIN)
    # A superuser whose role field says otherwise is unrestricted too.
    superuser = make_user(Role.EMPLOYER, is_superuser=True)
    for user in (admin, superuser):
        assert visible(Region, user) == set(TREE)
        assert WorkerPopulation.objects.for_actor(user).count() == WorkerPopulation.objects.count()
        assert actor_scope(user).covers_region("99.99") is True


def test_non_region_roles_ignore_scope_regions_and_see_their_organisation(
    region_tree, make_user
) -> None:
    own = OrganisationFactory(region=region_tree["18.72"])
    other = OrganisationFactory(region=region_tree["18.72"])
    for org in (own, other):
        org.assign_region_codes("18.72")
        org.save()
    # Scope regions stored on a non-region role give no region access.
    employer = make_user(Role.EMPLOYER, scope=["18"], organisation=own)
    assert not Region.objects.for_actor(employer).exists()
    assert set(Organisation.objects.for_actor(employer)) == {own}

    no_org = make_user(Role.SPONSOR, organisation=None)
    assert not Organisation.objects.for_actor(no_org).exists()


def test_region_roles_see_organisations_in_their_region_and_their_own(
    region_tree, make_user
) -> None:
    home = OrganisationFactory()  # no region at all
    inside_org = OrganisationFactory(region=region_tree["18.71.01"])
    inside_org.assign_region_codes("18.71.01")
    inside_org.save()
    outside = OrganisationFactory(region=region_tree["18.72"])
    outside.assign_region_codes("18.72")
    outside.save()
    officer = make_user(Role.REGENCY_OFFICER, scope=["18.71"], organisation=home)
    seen = set(Organisation.objects.for_actor(officer))
    assert home in seen and inside_org in seen
    assert outside not in seen


def test_audit_rows_are_scoped_by_region(region_tree, make_user) -> None:
    for code in TREE:
        record_audit(actor=None, action=ScopeTestAudit.TOUCH, object_repr=code, region_code=code)
    regionless = record_audit(actor=None, action=ScopeTestAudit.GLOBAL)
    auditor = make_user(Role.AUDITOR, scope=["18.71"])
    seen = set(AuditLog.objects.for_actor(auditor).values_list("region_code", flat=True))
    assert seen == inside(["18.71"])
    admin = make_user(Role.ADMIN)
    assert AuditLog.objects.for_actor(admin).filter(pk=regionless.pk).exists()


@pytest.mark.django_db
def test_record_audit_fills_actor_object_and_region_columns(make_user, region_tree) -> None:
    user = make_user(Role.PROVINCE_OFFICER, scope=["18"])
    target = region_tree["18.71.01"]
    entry = record_audit(
        actor=user,
        action=ScopeTestAudit.EDIT,
        target=target,
        region_code="18.71.01.1003",
        before={"name": "old"},
        after={"name": "new"},
        reason="why",
    )
    entry.refresh_from_db()
    assert entry.actor == user and entry.actor_label == user.username
    assert (entry.object_type, entry.object_id) == ("regions.region", "18.71.01")
    assert entry.object_repr == str(target)
    assert (entry.province_code, entry.regency_code, entry.district_code) == (
        "18",
        "18.71",
        "18.71.01",
    )
    assert entry.village_code == "18.71.01.1003"
    assert (entry.before, entry.after, entry.reason) == ({"name": "old"}, {"name": "new"}, "why")

    system = record_audit(
        actor=AnonymousUser(), action=ScopeTestAudit.SYSTEM, object_repr="x" * 300
    )
    assert system.actor is None and system.actor_label == "system"
    assert len(system.object_repr) == 200
    assert system.province_code == "" and system.before is None and system.after is None


@pytest.mark.django_db
def test_before_and_after_are_stored_as_json(region_tree) -> None:
    moment = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    after = {
        "date": dt.date(2025, 1, 1),
        "when": moment,
        "time": dt.time(7, 30),
        "amount": Decimal("2716497.38"),
        "tags": ("a", "b"),
        "region": region_tree["18.71"],
        3: [{"nested": {dt.date(2024, 12, 31)}}],
    }
    entry = record_audit(actor=None, action=ScopeTestAudit.JSON, after=after)
    entry.refresh_from_db()
    assert entry.after == {
        "date": "2025-01-01",
        "when": moment.isoformat(),
        "time": "07:30:00",
        "amount": "2716497.38",
        "tags": ["a", "b"],
        "region": "18.71",
        "3": [{"nested": ["2024-12-31"]}],
    }


@pytest.mark.django_db
def test_snapshot_is_json_safe(region_tree, make_user) -> None:
    user = make_user(Role.REGENCY_OFFICER, scope=["18.71"])
    data = snapshot(user, ["username", "role", "organisation", "date_joined", "last_login"])
    assert json.loads(json.dumps(data)) == data
    assert data["organisation"] == user.organisation_id
    assert data["date_joined"] == user.date_joined.isoformat()
    assert data["last_login"] is None

    wage = MinimumWage(
        region=region_tree["18.71"],
        kind="UMK",
        year=2025,
        amount=1_234_567,
        effective_from=dt.date(2025, 1, 1),
        source="test",
    )
    wage.assign_region_codes("18.71")
    wage.save()
    data = snapshot(wage, ["region", "amount", "effective_from", "effective_to"])
    assert data == {
        "region": "18.71",
        "amount": 1_234_567,
        "effective_from": "2025-01-01",
        "effective_to": None,
    }
    assert json.loads(json.dumps(data)) == data


def test_request_id_is_echoed_and_stored_on_audit_rows(client, make_user) -> None:
    user = make_user(Role.EMPLOYER)
    client.force_login(user)
    response = client.post(reverse("accounts:issue-token"), HTTP_X_REQUEST_ID=SAFE_REQUEST_ID)
    assert response.status_code == 302
    assert response["X-Request-ID"] == SAFE_REQUEST_ID
    entry = AuditLog.objects.get(action="accounts.token.issue")
    assert entry.request_id == SAFE_REQUEST_ID
    assert entry.actor == user
    # The id is bound only for the duration of the request.
    assert current_request_id() != SAFE_REQUEST_ID


@pytest.mark.parametrize("incoming", [None, "has space", "x" * 65, "semi;colon"])
def test_missing_or_unsafe_request_ids_are_replaced(client, make_user, incoming) -> None:
    client.force_login(make_user(Role.EMPLOYER))
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    response = client.post(reverse("accounts:issue-token"), **headers)
    generated = response["X-Request-ID"]
    assert generated != incoming
    assert len(generated) == 32 and int(generated, 16) >= 0
    assert AuditLog.objects.get(action="accounts.token.issue").request_id == generated


def test_each_request_gets_its_own_id(client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


@pytest.mark.django_db
def test_audit_outside_a_request_uses_the_bound_id_or_none() -> None:
    assert record_audit(actor=None, action=ScopeTestAudit.CLI).request_id == ""
    with request_id_bound("cli-run-1") as bound:
        assert bound == "cli-run-1"
        assert record_audit(actor=None, action=ScopeTestAudit.CLI).request_id == "cli-run-1"
    # Reset afterwards: nothing leaks into later work in the same thread.
    assert current_request_id() == ""
    assert record_audit(actor=None, action=ScopeTestAudit.CLI).request_id == ""


@pytest.mark.django_db
def test_healthz_reports_the_database(client, settings) -> None:
    settings.LINDUNG_HEALTH_WORKER = False  # the worker's part: tests/core/test_jobs.py
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["version"]
    assert "no-cache" in response["Cache-Control"]
