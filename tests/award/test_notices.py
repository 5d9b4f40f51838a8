"""The "award stage opened" notices (``award.notices``): each stage tells the people it asks to act,
once per edition and stage — entrants when their entry is added during self-assessment,
verifiers of submitted entries when verification opens, jurors without a conflict when the
interview opens; nobody outside the edition, nobody twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.award import notices, services
from lindung.award.models import AssignmentKind, CategoryKind, EntryStatus, StageKind
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.notifications.events import NotificationEvent
from lindung.notifications.models import Notification
from tests.award.factories import answer_all, award_world, category, make_edition
from tests.registry.factories import registry_world


@pytest.fixture
def world(region_tree, users_by_role):
    world = {"users": users_by_role, "regions": region_tree}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    return world


def told(edition, stage: str) -> dict[str, Notification]:
    """The notices of ``stage`` by recipient username (each recipient at most once)."""
    rows = list(
        Notification.objects.filter(
            event=NotificationEvent.AWARD_STAGE_OPENED,
            dedupe_key=f"award-stage:{edition.pk}:{stage}",
        ).select_related("recipient")
    )
    by_user = {n.recipient.username: n for n in rows}
    assert len(by_user) == len(rows)
    return by_user


def names(*users) -> set[str]:
    return {u.username for u in users}


def all_notices() -> int:
    return Notification.objects.filter(event=NotificationEvent.AWARD_STAGE_OPENED).count()


def test_entrants_are_told_when_their_entry_is_added_in_self_assessment(world, make_user):
    users, edition = world["users"], world["award_edition"]
    rows = told(edition, StageKind.SELF_ASSESSMENT)
    # The office of exactly the entry's region, and the company's own staff; nobody for the
    # entries of 18.72 (no office user there) nor the organisers, verifiers and jurors.
    assert set(rows) == names(
        users["regency_officer"], users["village_operator"], users["employer"]
    )
    expected = {
        "regency_officer": "own_entry",
        "village_operator": "own_village_entry",
        "employer": "own_company_entry",
    }
    for role, key in expected.items():
        notice = rows[users[role].username]
        assert notice.url == reverse("award:entry", args=[world[key].pk])
        assert notice.target_id == str(edition.pk) and notice.province_code == "18"
    notice = rows[users["regency_officer"].username]
    assert notice.title_id == "Tahap Paritrana Award dibuka: Penilaian mandiri"
    assert notice.title_en == "Paritrana Award stage opened: Self-assessment"
    assert "sampai 30 Juli 2025" in notice.body_id and "until 30 July 2025" in notice.body_en
    # Calling the step again tells nobody twice.
    before = all_notices()
    assert notices.stage_opened(edition) == []
    assert all_notices() == before
    # A new village office is told of the entry of its village when it is added; the regency
    # office above it is not (it does not fill in village entries), nor an inactive operator.
    operator = make_user(Role.VILLAGE_OPERATOR, scope=["18.71.01.1004"])
    idle = make_user(Role.VILLAGE_OPERATOR, scope=["18.71.01.1004"], is_active=False)
    entry = services.add_entry(
        actor=SYSTEM,
        category=category(edition, CategoryKind.VILLAGE),
        region=world["regions"]["18.71.01.1004"],
    )
    rows = told(edition, StageKind.SELF_ASSESSMENT)
    assert rows[operator.username].url == reverse("award:entry", args=[entry.pk])
    assert idle.username not in rows
    assert all_notices() == before + 1


def test_advancing_tells_verifiers_then_jurors_once(client, world, make_user):
    users, edition = world["users"], world["award_edition"]
    own, foreign = world["own_entry"], world["foreign_entry"]
    services.submit_entry(actor=users["regency_officer"], entry=own)
    answer_all(foreign, users["admin"], value=1)

    def assign(entry, role, kind, **kwargs):
        user = make_user(role, **kwargs)
        services.assign(actor=SYSTEM, entry=entry, user=user, kind=kind)
        return user

    verifier = assign(foreign, Role.AWARD_VERIFIER, AssignmentKind.VERIFIER)
    idle_verifier = assign(foreign, Role.AWARD_VERIFIER, AssignmentKind.VERIFIER, is_active=False)
    draft_verifier = assign(world["own_village_entry"], Role.AWARD_VERIFIER, "verifier")
    juror = assign(foreign, Role.AWARD_JURY, AssignmentKind.JUROR)
    conflicted = assign(foreign, Role.AWARD_JURY, AssignmentKind.JUROR)
    assignment = conflicted.award_assignments.get()
    services.declare_conflict(actor=conflicted, assignment=assignment, reason="Saudara")
    # Another edition's verifier and juror, on a submitted entry there.
    other = make_edition(world["regions"]["18"], name="Lain", year=2023)
    elsewhere = services.add_entry(
        actor=SYSTEM, category=category(other, CategoryKind.REGENCY), region=own.subject_region
    )
    answer_all(elsewhere, users["admin"])
    stranger = assign(elsewhere, Role.AWARD_VERIFIER, AssignmentKind.VERIFIER)
    stranger_juror = assign(elsewhere, Role.AWARD_JURY, AssignmentKind.JUROR)
    assert not told(edition, StageKind.VERIFICATION) and not told(edition, StageKind.INTERVIEW)
    entrants = told(edition, StageKind.SELF_ASSESSMENT)

    # The organiser opens verification from the edition page: verifiers of submitted entries.
    client.force_login(users["province_officer"])
    client.post(reverse("award:stage", args=[edition.pk]))
    edition.refresh_from_db()
    assert edition.stage == StageKind.VERIFICATION
    rows = told(edition, StageKind.VERIFICATION)
    assert set(rows) == names(users["award_verifier"], verifier)
    assert {n.url for n in rows.values()} == {reverse("award:verifications")}
    notice = rows[verifier.username]
    assert notice.title_en == "Paritrana Award stage opened: Verification"
    assert notice.title_id == "Tahap Paritrana Award dibuka: Verifikasi"
    assert "until 29 August 2025" in notice.body_en
    for nobody in (idle_verifier, draft_verifier, stranger, stranger_juror):
        assert not Notification.objects.filter(recipient=nobody).exists()
    assert told(edition, StageKind.SELF_ASSESSMENT).keys() == entrants.keys()
    assert not told(other, StageKind.VERIFICATION)
    # Re-running the step tells nobody again; a verifier assigned now is told at once, once.
    before = all_notices()
    assert notices.stage_opened(edition, StageKind.VERIFICATION) == []
    late = assign(own, Role.AWARD_VERIFIER, AssignmentKind.VERIFIER)
    services.assign(actor=SYSTEM, entry=foreign, user=late, kind=AssignmentKind.VERIFIER)
    assert set(told(edition, StageKind.VERIFICATION)) == names(
        users["award_verifier"], verifier, late
    )
    assert all_notices() == before + 1

    # The interview: the jurors without a conflict.
    services.advance_stage(actor=users["province_officer"], edition=edition)
    rows = told(edition, StageKind.INTERVIEW)
    assert set(rows) == names(users["award_jury"], juror)
    assert {n.url for n in rows.values()} == {reverse("award:jury")}
    assert not Notification.objects.filter(recipient__in=[conflicted, stranger_juror]).exists()
    assert notices.stage_opened(edition) == []

    # The jury decision and publication ask nobody new to act.
    before = all_notices()
    services.advance_stage(actor=users["province_officer"], edition=edition)
    assert edition.stage == StageKind.JURY_DECISION and all_notices() == before


def test_withdrawn_entries_and_entries_added_later_tell_nobody(world, make_user):
    users, edition = world["users"], world["award_edition"]
    services.submit_entry(actor=users["regency_officer"], entry=world["own_entry"])
    type(world["own_entry"]).objects.filter(pk=world["own_entry"].pk).update(
        status=EntryStatus.WITHDRAWN
    )
    services.advance_stage(actor=SYSTEM, edition=edition)
    assert not told(edition, StageKind.VERIFICATION)  # its verifier has nothing to verify
    before = all_notices()
    operator = make_user(Role.VILLAGE_OPERATOR, scope=["18.71.01.1004"])
    services.add_entry(
        actor=SYSTEM,
        category=category(edition, CategoryKind.VILLAGE),
        region=world["regions"]["18.71.01.1004"],
    )  # self-assessment is over: nothing to fill in
    assert all_notices() == before
    assert not Notification.objects.filter(recipient=operator).exists()
