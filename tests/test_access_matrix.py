"""Every page and endpoint × every role: status, no foreign region in the body, 404 on foreign
records. See tests/access.py for how later issues extend it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.models import OrganisationKind
from lindung.award.models import Entry
from lindung.contributions.models import Bill, BillLine
from lindung.core.audit import AuditAction, audit_actions, record_audit
from lindung.core.models import AuditLog, ImportJob, Job, JobState
from lindung.core.scope import actor_scope
from lindung.regions.models import MinimumWage, Region
from tests.access import ANONYMOUS, ROLES, collect_routes, served_url_names
from tests.accounts.factories import OrganisationFactory
from tests.award.factories import award_world
from tests.award.portal_world import portal_world
from tests.award.published import published_world
from tests.compliance.factories import compliance_world
from tests.conftest import TREE, build_region_tree, build_users_by_role
from tests.programmes.factories import programme_world
from tests.publicworkers.factories import publicworkers_world
from tests.registrations.factories import registrations_world
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, registry_world
from tests.sponsorship.factories import sponsorship_world

ROUTES = collect_routes()


class MatrixAudit(AuditAction):
    """Rows the matrix world writes so the audit log page has something in each region."""

    TOUCH = "test.touch", "test"


# Each case runs in its own savepoint over one world built per module (and per xdist worker).
pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture(scope="module")
def access_world(module_db):
    """Records on both sides of the regency officer's border (18.71 vs 18.72 and 31), and the
    shipped contribution rate tables (the public simulator computes with them)."""
    regions = build_region_tree()
    users_by_role = build_users_by_role()
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())

    def org(name: str, code: str):
        o = OrganisationFactory(
            name=name, kind=OrganisationKind.REGENCY_OFFICE, region=regions[code]
        )
        o.assign_region_codes(code)
        o.save()
        return o

    def wage(code: str, amount: int) -> MinimumWage:
        w = MinimumWage(
            region=regions[code],
            kind="UMK",
            year=2025,
            amount=amount,
            effective_from=dt.date(2025, 1, 1),
            source="test",
        )
        w.assign_region_codes(code)
        w.save()
        return w

    world = {
        "users": users_by_role,
        "own_organisation": org(f"Disnaker {TREE['18.71']}", "18.71"),
        "foreign_organisation": org(f"Disnaker {TREE['18.72']}", "18.72"),
        "own_population": regions["18.71"].populations.get(),
        "foreign_population": regions["18.72"].populations.get(),
        "own_wage": wage("18.71", 3_000_000),
        "foreign_wage": wage("18.72", 2_900_000),
    }
    for code in TREE:
        entry = record_audit(
            actor=None, action=MatrixAudit.TOUCH, object_repr=TREE[code], region_code=code
        )
        world.setdefault("audit", {})[code] = entry
    world["own_audit"] = world["audit"]["18.71"]
    world["foreign_audit"] = world["audit"]["18.72"]
    world.update(registry_world(regions, users_by_role))
    world.update(programme_world(regions))
    world.update(compliance_world(regions, world))
    world.update(sponsorship_world(regions, world))
    world.update(award_world(regions, world))
    world.update(portal_world(regions, world))
    world.update(published_world(regions, world))
    world.update(registrations_world(regions, world))
    world.update(publicworkers_world(regions, world))
    world["own_bill"] = bill_for(world["own_employer"])
    world["foreign_bill"] = bill_for(world["foreign_employer"])
    # Import jobs belong to whoever uploaded them: the branch's own, and one of the admin's.
    world["own_import_job"] = ImportJob.objects.create(
        kind="participants",
        file_name="cabang.csv",
        file_sha256="a" * 64,
        actor=users_by_role["bpjs_branch"],
        state="done",
    )
    world["foreign_import_job"] = ImportJob.objects.create(
        kind="participants",
        file_name="admin.csv",
        file_sha256="b" * 64,
        actor=users_by_role["admin"],
        state="done",
    )
    # Background jobs: the branch's own in its village, one of the admin's in the other regency.
    world["own_job"] = job_in(OWN_VILLAGE, users_by_role["bpjs_branch"], f"Cek {TREE['18.71']}")
    world["foreign_job"] = job_in(FOREIGN_VILLAGE, users_by_role["admin"], f"Cek {TREE['18.72']}")
    return world


def job_in(village: str, owner, label: str) -> Job:
    """A failed job located in ``village`` (retry and cancel have something to act on)."""
    job = Job(kind="test", target=village, label=label, owner=owner, state=JobState.FAILED,
              task_path="tests.core.jobs_work.succeed", error="x / x")  # fmt: skip
    job.assign_region_codes(village)
    job.save()
    return job


def bill_for(employer) -> Bill:
    """A bill of one contribution month, overdue, region columns from the employer's village."""
    bill = Bill(
        employer=employer,
        month=dt.date(2025, 1, 1),
        due_date=dt.date(2025, 2, 15),
        total=1_000_000,
        members=3,
        status="overdue",
        generated_at=timezone.now(),
    )
    bill.assign_region_codes(employer.village_id)
    bill.save()
    BillLine.objects.create(bill=bill, programme="JHT", party="employer", amount=1_000_000)
    return bill


def entry_regions(user) -> set[str]:
    """The deepest region code of every award entry ``user`` sees."""
    rows = Entry.objects.for_actor(user).values_list(
        "village_code", "district_code", "regency_code", "province_code"
    )
    return {next(c for c in row if c) for row in rows}


def forbidden_names(user) -> list[str]:
    """Names of test regions the user must not see: outside the scope and not an ancestor
    (ancestors appear as plain breadcrumb text)."""
    scope = actor_scope(user)
    if scope.unrestricted:
        return []
    visible = set()
    for code in TREE:
        for s in scope.region_codes:
            if code == s or code.startswith(s + ".") or s.startswith(code + "."):
                visible.add(code)
        # Roles without a region scope may see the regions of the award entries they own or
        # are assigned (and their ancestors), nothing below or beside them.
        for e in [] if scope.region_codes else entry_regions(user):
            if code == e or e.startswith(code + "."):
                visible.add(code)
    hidden = [TREE[c] for c in TREE if c not in visible]
    shown = [TREE[c] for c in visible]
    # Skip names that are part of a visible name (e.g. "Lampung" in "Kota Bandar Lampung").
    return [n for n in hidden if not any(n in s for s in shown)]


def request(client, route, world, kwargs=None):
    url = reverse(route.name, kwargs=kwargs if kwargs is not None else route.kwargs(world))
    call = getattr(client, route.method)
    return call(url, route.data) if route.method == "post" else call(url, route.query)


def login(client, world, role):
    if role != ANONYMOUS:
        client.force_login(world["users"][role])


def test_every_served_url_is_in_the_matrix():
    listed = {r.name for r in ROUTES}
    missing = served_url_names() - listed
    assert not missing, f"add these URLs to a tests/<app>/routes.py: {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_status_per_role(client, access_world, route, role):
    login(client, access_world, role)
    response = request(client, route, access_world)
    assert response.status_code == route.expected[role], (route.id, role)


SCOPED = [r for r in ROUTES if r.scoped or r.foreign]


@pytest.mark.parametrize("role", [r for r in ROLES if r != ANONYMOUS])
@pytest.mark.parametrize("route", SCOPED, ids=lambda r: r.id)
def test_no_foreign_region_leaks(client, access_world, route, role):
    login(client, access_world, role)
    user = access_world["users"][role]
    response = request(client, route, access_world)
    if response.status_code == 200:
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        for name in forbidden_names(user):
            assert name not in body, (route.id, role, name)
        scope = actor_scope(user)
        if not (scope.unrestricted or scope.covers_region(FOREIGN_VILLAGE)):
            for marker in access_world["foreign_markers"]:
                assert marker not in body, (route.id, role, marker)
    if route.foreign and route.expected[role] == 200:
        foreign = route.foreign(access_world)
        code = foreign.get("code")
        sees_it = actor_scope(user).unrestricted or (code and actor_scope(user).covers_region(code))
        if not sees_it and code is None:
            sees_it = role in {"admin", "province_officer"}
        status = request(client, route, access_world, foreign).status_code
        assert status == (200 if sees_it else 404), (route.id, role, foreign)


WRITES = [r for r in ROUTES if r.writes]
# Answers that mean the write was refused before it reached a service.
REFUSED = {401, 403, 404, 405}
# Writes that only change the caller's own session (language, log-out), not a record.
SESSION_ONLY = {"set_language", "accounts:logout"}


def test_every_write_route_declares_its_audit_events():
    actions = audit_actions()
    for route in WRITES:
        assert route.audits is not None, f"{route.id}: declare the audits= it leaves"
        for action in route.audits:
            assert action in actions, f"{route.id}: {action} is no AuditAction member"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", WRITES, ids=lambda r: r.id)
def test_each_write_leaves_exactly_its_audit_events(client, access_world, route, role, settings):
    """An accepted write leaves the audit rows its service declares; a refused one leaves none.
    Jobs a write starts run in the request here, so their audit rows count too."""
    settings.LINDUNG_JOBS_INLINE = True
    login(client, access_world, role)
    before = AuditLog.objects.aggregate(last=Max("id"))["last"] or 0
    response = request(client, route, access_world)
    written = sorted(AuditLog.objects.filter(id__gt=before).values_list("action", flat=True))
    refused = role == ANONYMOUS or response.status_code in REFUSED
    expected = [] if refused or route.name in SESSION_ONLY else sorted(route.audits or ())
    assert written == expected, (route.id, role, response.status_code)


def test_regency_officer_lists_only_own_regions(client, access_world):
    client.force_login(access_world["users"]["regency_officer"])
    data = client.get(reverse("api:region-list")).json()
    codes = {r["code"] for r in data["results"]}
    assert codes == {c for c in TREE if c == "18.71" or c.startswith("18.71.")}
    assert Region.objects.count() == len(TREE)
