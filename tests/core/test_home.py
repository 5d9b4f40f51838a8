"""The home page ("Beranda", core.home): per role, the cards the apps provide with figures
counted from a small world on both sides of the regency officer's border (18.71 own, 18.72 and
31 foreign), and never a foreign region's figure or name."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lindung.award import runs
from lindung.award import services as award_services
from lindung.award.models import AssignmentKind, CategoryKind, StageKind
from lindung.compliance.models import Case, Step
from lindung.contributions.models import Bill
from lindung.core import home
from lindung.core.audit import record_audit
from lindung.core.months import month_end
from lindung.core.numbers import number_text, percent_label, rupiah_text
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.coverage.models import CoverageTarget
from lindung.coverage.services import refresh
from lindung.registry.audit import RegistryAudit
from lindung.registry.models import Membership
from tests.award.factories import category, make_edition, move_to
from tests.conftest import TREE, build_region_tree, build_users_by_role, new_user
from tests.programmes.factories import CandidateFactory
from tests.registrations.factories import submitted
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    MembershipFactory,
    PersonFactory,
    nik_for,
    registry_world,
)
from tests.sponsorship.factories import make_pledge, make_sponsor

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The dashboard's default day: the last month-end before the current month.
DAY = month_end(TODAY.replace(day=1) - dt.timedelta(days=1))
FOREIGN_NAMES = [TREE[c] for c in ("18.72", "18.72.01.1001", "31", "31.71")]


def _case(number: str, employer: Any, *, due: dt.date, step: str = Step.REMINDER) -> Case:
    case = Case(
        number=number,
        employer=employer,
        subject_name=employer.name,
        checks="unregistered",
        step=step,
        opened_on=TODAY - dt.timedelta(days=60),
        step_since=TODAY - dt.timedelta(days=30),
        due_date=due,
    )
    case.assign_region_codes(employer.village_id)
    case.save()
    return case


def _bill(employer: Any, month: dt.date, *, total: int, status: str, due: dt.date) -> Bill:
    bill = Bill(employer=employer, month=month, due_date=due, total=total, members=1,
                status=status, generated_at=timezone.now())  # fmt: skip
    bill.assign_region_codes(employer.village_id)
    bill.save()
    return bill


def build_home_world(regions: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """Records of every app on both sides of the border, for the home's cards (also the
    browser journey's world). ``users`` by role: the employer's and the sponsor's organisations
    own the own employer and the sponsor."""
    world: dict[str, Any] = {"regions": regions, "users": users}
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
    world.update(registry_world(regions, users))
    # Coverage: ten more persons covered in the own regency, three more in the foreign one (the
    # registry world has one each): 11 + 4 = 15, enough for the public figure of the province
    # (cells under 10 are hidden), counted into the facts of DAY.
    start = dt.date(2020, 1, 1)
    extra = [(n, OWN_VILLAGE) for n in range(11, 21)] + [(n, FOREIGN_VILLAGE) for n in (21, 22, 23)]
    for n, village in extra:
        person = PersonFactory(nik=nik_for(village, n), domicile=regions[village])
        MembershipFactory(person=person, employer=None, segment="BPU", start_date=start,
                          kpj=f"KPJ3000{n:04d}", work_region=regions[village])  # fmt: skip
    Membership.objects.update(start_date=start, end_date=None)
    refresh(months=[DAY])
    target = CoverageTarget(region=regions["18.71"], year=DAY.year, target_pct=Decimal("50.00"),
                            label="RPJMD uji", source="test")  # fmt: skip
    target.assign_region_codes("18.71")
    target.save()
    # Compliance: 2 overdue + 1 on time in the own regency, 3 overdue in the foreign one.
    past, future = TODAY - dt.timedelta(days=5), TODAY + dt.timedelta(days=20)
    own, foreign = world["own_employer"], world["foreign_employer"]
    for i, (employer, due) in enumerate(
        [(own, past), (own, past), (own, future), (foreign, past), (foreign, past), (foreign, past)]
    ):
        _case(f"K-{i}", employer, due=due)
    _case("K-closed", own, due=past, step=Step.CLOSED)
    # Registrations: 2 own, 3 foreign (submitted, open).
    for n in (601, 602):
        submitted(regions[OWN_VILLAGE], n)
    for n in (603, 604, 605):
        submitted(regions[FOREIGN_VILLAGE], n)
    # Programme candidates: 3 in the village operator's village, 2 elsewhere.
    for n in range(3):
        CandidateFactory(nik=nik_for(OWN_VILLAGE, 700 + n), village=regions[OWN_VILLAGE])
    for n in range(2):
        CandidateFactory(nik=nik_for(FOREIGN_VILLAGE, 710 + n), village=regions[FOREIGN_VILLAGE])
    # Bills of the employer's own firm: one overdue, one open not yet due, one paid; a foreign
    # firm's unpaid bill it must not count.
    _bill(own, dt.date(2025, 1, 1), total=1_000_000, status="overdue", due=past)
    _bill(own, dt.date(2025, 2, 1), total=250_000, status="open", due=future)
    _bill(own, dt.date(2024, 12, 1), total=700_000, status="paid", due=past)
    _bill(foreign, dt.date(2025, 1, 1), total=9_000_000, status="overdue", due=past)
    # A sponsor with two pledges for the sponsor user; another sponsor's pledge.
    _sponsor, site = make_sponsor(regions["18.71"], regions[OWN_VILLAGE], name="PT Sponsor Kita",
                                  organisation=users["sponsor"].organisation)  # fmt: skip
    make_pledge(site, title="Janji satu", budget=2_000_000, worker_count=10)
    make_pledge(site, title="Janji dua", budget=3_000_000, worker_count=5)
    _other, other_site = make_sponsor(regions["18.72"], regions[FOREIGN_VILLAGE], name="PT Lain")
    make_pledge(other_site, title="Janji asing", budget=9_000_000, worker_count=90)
    # Award: an edition with three entries; the verifier is assigned two, the juror one.
    edition = make_edition(regions["18"], name="Paritrana Uji")
    entries = []
    for kind, code in (
        (CategoryKind.REGENCY, "18.71"),
        (CategoryKind.REGENCY, "18.72"),
        (CategoryKind.VILLAGE, OWN_VILLAGE),
    ):
        entries.append(
            award_services.add_entry(
                actor=SYSTEM, category=category(edition, kind), region=regions[code]
            )
        )
    for entry in entries[:2]:
        award_services.assign(actor=SYSTEM, entry=entry, user=users["award_verifier"],
                              kind=AssignmentKind.VERIFIER)  # fmt: skip
    award_services.assign(actor=SYSTEM, entry=entries[0], user=users["award_jury"],
                          kind=AssignmentKind.JUROR)  # fmt: skip
    # A published edition (entries of the foreign regency): its results are public.
    published = make_edition(
        regions["18"], name="Paritrana Terbit", year=2024, cutoff=dt.date(2024, 6, 30),
        kinds=(CategoryKind.REGENCY,),
    )  # fmt: skip
    award_services.add_entry(
        actor=SYSTEM, category=category(published, CategoryKind.REGENCY), region=regions["18.72"]
    )
    move_to(published, StageKind.JURY_DECISION)
    runs.finalise(actor=SYSTEM, run=runs.compute_run(actor=SYSTEM, edition=published))
    award_services.advance_stage(actor=SYSTEM, edition=published)
    world["published_edition"] = published
    # Audit: a reveal in each regency.
    for code in (OWN_VILLAGE, FOREIGN_VILLAGE):
        record_audit(actor=None, action=RegistryAudit.PERSON_REVEAL, object_repr="x",
                     region_code=code, reason="uji")  # fmt: skip
    return world


@pytest.fixture(scope="module")
def world(module_db: None) -> dict[str, Any]:
    regions = build_region_tree()
    users = build_users_by_role()
    users["province_officer"] = new_user(Role.PROVINCE_OFFICER, ["18"])
    return build_home_world(regions, users)


def cards(user: Any) -> dict[str, home.HomeItem]:
    return {item.key: item for item in home.items_for(user)}


def page(user: Any | None) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def assert_no_foreign(html: str) -> None:
    for name in FOREIGN_NAMES:
        assert name not in html


def test_every_app_provides_its_cards() -> None:
    assert set(home.providers()) >= {
        "core", "coverage", "compliance", "programmes", "registrations", "contributions",
        "sponsorship", "award", "publicworkers", "notifications",
    }  # fmt: skip


def test_regency_officer_sees_its_regency_only(world: dict[str, Any]) -> None:
    user = world["users"]["regency_officer"]
    found = cards(user)
    # 11 persons covered in 18.71 of its population (100,005); the province has 15.
    assert found["coverage"].figure == Decimal("0.01")  # 11 / 100,005
    detail = found["coverage"].detail
    assert detail.startswith(number_text(11) + " ") and number_text(100_005) in detail
    assert found["coverage"].url == "/cakupan/rinci/18.71/"
    assert found["coverage-target"].figure == Decimal("49.99")
    assert number_text(50_003 - 11) in found["coverage-target"].detail  # 50 % of 100,005 − 11
    assert found["compliance-overdue"].figure == 2  # not the foreign 3
    assert found["compliance-overdue"].attention
    assert "?overdue=1" in found["compliance-overdue"].url
    assert found["registrations-area"].figure == 2  # + 0 from the registrations world
    html = page(user)
    assert 'id="home-compliance-overdue"' in html and 'id="home-now"' in html
    assert_no_foreign(html)


def test_province_officer_ranks_its_regencies(world: dict[str, Any]) -> None:
    user = world["users"]["province_officer"]
    found = cards(user)
    assert found["compliance-overdue"].figure == 5
    gaps = found["coverage-gaps"]
    # Both regencies have 100,005 workers; Metro has 4 covered, Bandar Lampung 11: Metro first.
    assert gaps.title.endswith(TREE["18.72"]) and gaps.figure == 100_005 - 4
    assert [row.label for row in gaps.rows] == [TREE["18.71"]]
    assert gaps.rows[0].figure.startswith(number_text(100_005 - 11))
    assert found["coverage"].url == "/cakupan/rinci/18/"
    assert TREE["31"] not in page(user)


def test_village_operator_counts_its_village(world: dict[str, Any]) -> None:
    user = world["users"]["village_operator"]
    found = cards(user)
    assert found["programmes-candidates"].figure == 3
    assert found["programmes-candidates"].url == "/program/calon/"
    assert found["registrations-area"].figure == 2
    assert found["coverage"].url == f"/cakupan/rinci/{OWN_VILLAGE}/"
    assert "compliance-overdue" not in found  # no compliance capability
    assert_no_foreign(page(user))


def test_branch_sees_the_requests_waiting(world: dict[str, Any]) -> None:
    user = world["users"]["bpjs_branch"]  # scope 18.71
    found = cards(user)
    assert found["registrations-branch"].figure == 2
    assert found["registrations-branch"].attention
    assert found["compliance-overdue"].figure == 2
    assert "programmes-enrolments" in found
    assert_no_foreign(page(user))


def test_employer_sees_its_firm(world: dict[str, Any]) -> None:
    user = world["users"]["employer"]
    found = cards(user)
    assert found["employer-workers"].figure == 1  # the own membership of its firm
    bills = found["bills-due"]
    assert bills.figure == 1_250_000 and bills.attention  # overdue + open, not paid or foreign
    assert bills.figure_text == rupiah_text(1_250_000)
    assert "award-entries" in found
    html = page(user)
    assert rupiah_text(1_250_000) in html
    assert rupiah_text(9_000_000) not in html and "PT Metro Asing" not in html


def test_sponsor_sees_its_pledges(world: dict[str, Any]) -> None:
    found = cards(world["users"]["sponsor"])
    assert found["pledges"].figure == 2
    assert rupiah_text(5_000_000) in found["pledges"].detail
    assert number_text(15) in found["pledges"].detail
    assert found["pledges-workers"].figure == 0  # nothing matched yet
    assert "Janji asing" not in page(world["users"]["sponsor"])


def test_award_roles_see_their_assignments(world: dict[str, Any]) -> None:
    verifier = cards(world["users"]["award_verifier"])
    assert "2" in verifier["award-verify"].detail  # two assigned entries
    assert verifier["award-verify"].url == "/penghargaan/verifikasi/"
    juror = cards(world["users"]["award_jury"])
    assert juror["award-jury"].url == "/penghargaan/juri/"
    assert juror["award-jury"].detail.startswith(number_text(1))


def test_auditor_counts_reveals_of_its_region(world: dict[str, Any]) -> None:
    found = cards(world["users"]["auditor"])  # scope 18.71
    assert found["audit-reveals"].figure == 1
    assert found["audit-reveals"].url.startswith("/audit/?action=")


def test_admin_sees_worker_health_and_imports(world: dict[str, Any]) -> None:
    found = cards(world["users"]["admin"])
    assert found["worker"].unit == home.TEXT
    assert found["worker"].attention  # no worker runs in tests
    assert found["imports"].url == "/impor/"
    assert found["compliance-overdue"].figure == 5  # both regencies


def test_visitor_sees_public_coverage_and_award_results(world: dict[str, Any]) -> None:
    html = page(None)
    assert 'id="home-coverage-public"' in html
    assert 'href="/cakupan/18/"' in html
    assert 'id="home-now"' not in html  # nothing waits for a visitor
    edition = world["published_edition"]
    assert f'href="/penghargaan/{edition.pk}/hasil/"' in html
    assert cards(AnonymousUser())["award-results"].figure == 1  # its one ranked entry


def test_empty_states_are_words(world: dict[str, Any]) -> None:
    user = new_user(Role.SPONSOR, [])  # an organisation without sponsor or pledge
    html = page(user)
    assert 'id="home-pledges"' in html
    assert "home-figures-empty" not in html
    found = cards(user)
    assert found["pledges"].figure == 0 and found["pledges"].detail
    assert re.search(r'id="home-now-empty"', html)  # nothing waits for it


def test_percent_figures_are_indonesian(world: dict[str, Any]) -> None:
    item = home.HomeItem("x", "t", Decimal("23.68"), "d", "/", unit=home.PERCENT)
    assert item.figure_text == percent_label(Decimal("23.68")) == "23,68 %"
    assert home.HomeItem("y", "t", 1234567, "d", "/").figure_text == "1.234.567"
