"""Continuation when funding ends (issue 20 item 7), under a controlled clock: each beneficiary
is offered a hand-off once, 30 days before the funding ends (an SMS when the registry knows their
phone); a worker who chooses to pay on their own appears as a registration request; the page and
the retention 3 months after the end."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest
from django.urls import reverse

from lindung.core.models import AuditLog
from lindung.programmes.models import Decision, Programme, SelectionRun
from lindung.registrations import continuation, services
from lindung.registrations.models import Channel, Handoff, HandoffChoice, Registration, Status
from lindung.registry.models import Person, Segment
from tests.programmes.factories import CandidateFactory, make_programme
from tests.registry.factories import OWN_VILLAGE, MembershipFactory, PersonFactory, nik_for

pytestmark = pytest.mark.engine


class TextsSent:
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, to: str, text: str) -> None:
        self.sent.append((to, text))


@pytest.fixture
def paying(region_tree, settings):
    """A programme paying Aug–Dec 2025 (funded to 31 December) for two workers of 18.71."""
    settings.LINDUNG_SMS_BACKEND = f"{__name__}.TextsSent"
    TextsSent.sent.clear()
    village = region_tree[OWN_VILLAGE]
    programme = make_programme(region_tree["18.71"])
    Programme.objects.filter(pk=programme.pk).update(status="paying")
    programme.refresh_from_db()
    run = SelectionRun.objects.create(programme=programme, version=1, capacity=2, status="approved")
    workers = []
    for n in (1, 2):
        candidate = CandidateFactory(
            nik=nik_for(OWN_VILLAGE, 800 + n),  # born 1 January 1990, a man
            birth_date=dt.date(1990, 1, 1),
            sex="M",
            village=village,
            occupation="Petani",
        )
        Decision.objects.create(run=run, candidate=candidate, selected=True, rank=n,
                                reason="selected")  # fmt: skip
        workers.append(candidate)
    PersonFactory(nik=workers[0].nik, phone="081234567890", domicile=village)
    return {"programme": programme, "workers": workers, "village": village}


def offer(day: dt.date) -> dict:
    return continuation.offer_handoffs(job=None, progress=None, due=f"{day}T07:35:00+07:00")


def test_the_hand_off_is_offered_once_30_days_before_the_end(paying):
    assert offer(dt.date(2025, 11, 30)) == {"offered": 0, "sms": 0}  # 31 days left
    assert offer(dt.date(2025, 12, 1)) == {"offered": 2, "sms": 1}
    ((to, text),) = TextsSent.sent
    assert to == "081234567890" and "/pendaftaran/" in text
    assert paying["workers"][0].nik not in text
    assert offer(dt.date(2025, 12, 2)) == {"offered": 0, "sms": 0}  # offered already
    assert Handoff.objects.count() == 2 and len(TextsSent.sent) == 1
    assert {h.funding_ends for h in Handoff.objects.all()} == {dt.date(2025, 12, 31)}


def test_choosing_to_pay_alone_makes_a_registration_request(paying, make_user, client):
    offer(dt.date(2025, 12, 10))
    officer = make_user("regency_officer")  # 18.71: manages programmes of its area
    first, second = Handoff.objects.order_by("candidate__nik")
    chosen = continuation.choose(actor=officer, handoff=first, choice=HandoffChoice.SELF_PAY)
    request = chosen.registration
    assert (request.channel, request.status, request.segment) == (
        Channel.OFFICER,
        Status.CHECKED,
        Segment.BPU,
    )
    assert request.first_month == dt.date(2026, 1, 1)  # the month after the funding ends
    assert request.nik == paying["workers"][0].nik and request.monthly_contribution == 16_800
    with pytest.raises(services.RegistrationError):  # once
        continuation.choose(actor=officer, handoff=first, choice=HandoffChoice.DECLINED)
    assert AuditLog.objects.filter(action="registrations.handoff").count() == 1
    # The page: the officer records the other worker's choice; no request for a pledge.
    client.force_login(officer)
    page = client.get(reverse("registrations:handoffs"))
    assert page.status_code == 200 and request.reference in page.content.decode()
    client.post(reverse("registrations:handoff-choose", args=[second.pk]), {"choice": "pledge"})
    second.refresh_from_db()
    assert second.choice == HandoffChoice.PLEDGE and second.registration is None
    assert Registration.objects.count() == 1
    client.force_login(make_user("regency_officer", scope=["18.72"]))
    assert (
        client.post(
            reverse("registrations:handoff-choose", args=[second.pk]), {"choice": "declined"}
        ).status_code
        == 404
    )


def test_retention_three_months_after_the_end(paying):
    programme, (kept, lost) = paying["programme"], paying["workers"]
    assert continuation.retention(programme, as_of=dt.date(2026, 2, 1))["still_active"] is None
    person = Person.objects.get(nik=kept.nik)  # the fixture's, with a phone
    MembershipFactory(person=person, employer=None, segment=Segment.BPU,
                      start_date=dt.date(2026, 1, 1))  # fmt: skip
    result = continuation.retention(programme, as_of=dt.date(2026, 5, 1))
    assert result == {"beneficiaries": 2, "day": dt.date(2026, 3, 31), "still_active": 1}
    assert not Person.objects.filter(nik=lost.nik).exists()
