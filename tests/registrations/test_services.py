"""Registration requests: the checks at submission, the steps to the branch's answer, each
audited with the NIK masked, and who may take which step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.core.models import AuditLog
from lindung.programmes.models import Candidate, FundedMonth, SelectionRun
from lindung.registrations import services
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registry.models import Membership, Person, Segment
from tests.programmes.factories import make_programme
from tests.registrations.factories import FIRST_MONTH, bpu_draft, submitted
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    EmployerFactory,
    MembershipFactory,
    PersonFactory,
)


@pytest.fixture
def village(region_tree):
    return region_tree[OWN_VILLAGE]


def test_a_clean_self_registration_is_checked_priced_and_audited(village):
    request = submitted(village, 1)
    assert request.status == Status.CHECKED and request.warnings == []
    assert request.monthly_contribution == 16_800  # BPU JKK+JKM on Rp 1,000,000
    assert request.reference.startswith("LDG-") and len(request.reference) == 13
    assert request.consent.text_version == "2025-01"
    assert (request.province_code, request.village_code) == ("18", OWN_VILLAGE)
    (audit,) = AuditLog.objects.filter(action="registrations.submit")
    assert audit.after["nik"] != request.nik and request.nik not in str(audit.after)
    assert audit.after["reference"] == request.reference


def test_jht_raises_the_price(village):
    request = submitted(village, 2, programmes=["JKK", "JKM", "JHT"])
    assert request.monthly_contribution > 16_800


def fund(nik: str, village, month: dt.date) -> None:
    """A programme pays ``nik``'s contribution for ``month``."""
    programme = make_programme(village)
    run = SelectionRun.objects.create(programme=programme, version=1, capacity=1)
    FundedMonth.objects.create(nik=nik, month=month, programme=programme, run=run)


@pytest.mark.parametrize("case", ["bad-nik", "active", "open", "funded", "pu-without-employer"])
def test_refusals_store_nothing(village, case):
    draft = bpu_draft(village, 3)
    if case == "funded":
        fund(draft.nik, village, FIRST_MONTH.replace(month=5))
    if case == "bad-nik":
        draft.nik = "1234"
    elif case == "active":
        person = PersonFactory(nik=draft.nik, domicile=village)
        MembershipFactory(
            person=person, employer=None, segment=Segment.BPU, start_date=dt.date(2024, 1, 1)
        )
    elif case == "open":
        submitted(village, 3)
    elif case == "pu-without-employer":
        draft.segment = Segment.PU
    before = Registration.objects.count()
    with pytest.raises(services.RegistrationError):
        services.submit(
            actor=None,
            channel=Channel.OFFICER,
            draft=draft,
            payer=Payer.SELF,
        )
    assert Registration.objects.count() == before


def test_an_ended_membership_does_not_refuse(village):
    draft = bpu_draft(village, 4)
    person = PersonFactory(nik=draft.nik, domicile=village)
    MembershipFactory(
        person=person,
        employer=None,
        segment=Segment.BPU,
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2024, 6, 1),
    )
    request = services.submit(actor=None, channel=Channel.OFFICER, draft=draft, payer=Payer.SELF)
    assert request.status == Status.CHECKED


def test_self_registration_needs_consent_and_is_bpu_only(village):
    with pytest.raises(services.RegistrationError):
        services.submit(
            actor=None, channel=Channel.SELF, draft=bpu_draft(village, 5), payer=Payer.SELF
        )
    with pytest.raises(services.RegistrationError):
        submitted(village, 5, segment=Segment.PU)


def test_pu_warnings_wait_for_an_officer(village, make_user):
    employer = EmployerFactory(village=village, size_class="medium")
    employer_user = make_user("employer")
    employer.owner = employer_user.organisation
    employer.save()
    draft = bpu_draft(
        village, 6, segment=Segment.PU, employer=employer, wage=500_000, programmes=["JKK", "JKM"]
    )
    request = services.submit(
        actor=employer_user, channel=Channel.EMPLOYER, draft=draft, payer=Payer.EMPLOYER
    )
    assert request.status == Status.SUBMITTED
    assert any("JHT" in w and "JP" in w for w in request.warnings)
    branch = make_user("bpjs_branch")
    assert services.check(actor=branch, request=request).status == Status.CHECKED


def test_an_employer_registers_for_its_own_firm_only(village, make_user):
    employer_user = make_user("employer")
    other = EmployerFactory(village=village)  # someone else's firm
    draft = bpu_draft(village, 7, segment=Segment.PU, employer=other, wage=3_500_000)
    with pytest.raises(PermissionDenied):
        services.submit(
            actor=employer_user, channel=Channel.EMPLOYER, draft=draft, payer=Payer.EMPLOYER
        )


def test_a_village_operator_registers_in_its_own_village_only(region_tree, make_user):
    operator = make_user("village_operator")  # 18.71.01.1003
    own = services.submit(
        actor=operator,
        channel=Channel.VILLAGE,
        draft=bpu_draft(region_tree[OWN_VILLAGE], 8),
        payer=Payer.HELP,
    )
    assert own.requested_by == operator
    with pytest.raises(PermissionDenied):
        services.submit(
            actor=operator,
            channel=Channel.VILLAGE,
            draft=bpu_draft(region_tree[FOREIGN_VILLAGE], 9),
            payer=Payer.SELF,
        )
    with pytest.raises(PermissionDenied):
        services.submit(
            actor=make_user("auditor"),
            channel=Channel.OFFICER,
            draft=bpu_draft(region_tree[OWN_VILLAGE], 10),
            payer=Payer.SELF,
        )


def test_asking_for_help_makes_a_candidate_of_the_village(village):
    request = services.submit(
        actor=None,
        channel=Channel.SELF,
        draft=bpu_draft(village, 11),
        payer=Payer.HELP,
        consent=services.ConsentGiven(text_version="2025-01"),
    )
    candidate = Candidate.objects.get(nik=request.nik)
    assert (candidate.source, candidate.village_id) == ("self-registration", OWN_VILLAGE)
    assert candidate.village_code == OWN_VILLAGE


def test_sent_confirmed_becomes_a_membership(village, make_user):
    branch = make_user("bpjs_branch")
    request = submitted(village, 12, programmes=["JKK", "JKM", "JHT"])
    assert services.send(actor=branch, requests=[request]) == 1
    request.refresh_from_db()
    assert request.status == Status.SENT and request.sent_at is not None
    confirmed = services.confirm(actor=branch, request=request, kpj="KPJ90000012")
    membership = confirmed.membership
    assert membership.kpj == "KPJ90000012" and membership.start_date == FIRST_MONTH
    assert (membership.jkk, membership.jkm, membership.jht, membership.jp) == (
        True,
        True,
        True,
        False,
    )
    assert Person.objects.get(nik=request.nik).village_code == OWN_VILLAGE
    with pytest.raises(services.RegistrationError):  # once only
        services.confirm(actor=branch, request=confirmed, kpj="KPJ90000012")
    # The person is now an active participant: a new request is refused.
    with pytest.raises(services.RegistrationError):
        submitted(village, 12, first_month=dt.date(2025, 6, 1))
    assert Membership.objects.filter(kpj="KPJ90000012").count() == 1


def test_rejection_needs_a_reason_and_withdrawal_frees_the_nik(village, make_user):
    branch = make_user("bpjs_branch")
    request = submitted(village, 13)
    services.send(actor=branch, requests=[request])
    with pytest.raises(services.RegistrationError):
        services.reject(actor=branch, request=request, reason="   ")
    rejected = services.reject(actor=branch, request=request, reason="NIK tidak ada di Dukcapil")
    assert rejected.branch_reason == "NIK tidak ada di Dukcapil"
    again = submitted(village, 13)  # a rejected request is not open
    services.withdraw(actor=branch, request=again)
    assert submitted(village, 13).status == Status.CHECKED


def test_steps_need_the_branchs_capability(village, make_user):
    request = submitted(village, 14)
    officer = make_user("regency_officer")
    with pytest.raises(PermissionDenied):
        services.send(actor=officer, requests=[request])
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=officer, request=request)  # not the one who started it
    actions = AuditLog.objects.filter(action__startswith="registrations.")
    assert list(actions.values_list("action", flat=True)) == ["registrations.submit"]
