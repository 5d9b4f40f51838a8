"""The daily look for programme invoices falling due: the funder's staff are told of every invoice
not paid in full whose due date is within 7 days or past, once per invoice and due date; nobody
of a paid invoice, of one due later, nor anyone outside the funder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.core.jobs.services import submit
from lindung.core.models import JobState
from lindung.core.roles import Role
from lindung.notifications.models import Notification
from lindung.programmes.jobs import payments_due
from lindung.programmes.models import ProgrammeInvoice, ProgrammePayment
from tests.accounts.factories import OrganisationFactory
from tests.programmes.factories import make_programme

pytestmark = [pytest.mark.django_db]
AMOUNT = 2 * 5 * 16_800


def run(day: dt.date) -> dict:
    return payments_due(job=None, progress=lambda *a: None, due=f"{day}T07:45:00+07:00")


def invoice(programme, n: int, due_on: dt.date, paid: int = 0) -> ProgrammeInvoice:
    row = ProgrammeInvoice.objects.create(
        programme=programme, number=f"INV/{programme.pk}/{n:03d}", issued_on=dt.date(2025, 7, 1),
        due_on=due_on, persons=2, months=5, monthly_premium=16_800, amount=AMOUNT,
    )  # fmt: skip
    if paid:
        ProgrammePayment.objects.create(invoice=row, paid_on=dt.date(2025, 7, 20), amount=paid)
    return row


@pytest.fixture
def funder_world(region_tree, rates, make_user):
    organisation = OrganisationFactory()
    staff = [
        make_user(Role.PROVINCE_OFFICER, scope=["18"], organisation=organisation),
        make_user(Role.REGENCY_OFFICER, scope=["18.71"], organisation=organisation),
    ]
    make_user(Role.PROVINCE_OFFICER, scope=["18"], organisation=organisation, is_active=False)
    outsider = make_user(Role.PROVINCE_OFFICER, scope=["18"])  # another organisation
    programme = make_programme(region_tree["18.71"])
    programme.funder.organisation = organisation
    programme.funder.save(update_fields=["organisation"])
    return {"staff": staff, "outsider": outsider, "programme": programme}


def told(number: str) -> set[int]:
    return set(
        Notification.objects.filter(
            event="programmes.payment_due", context__invoice_number=number
        ).values_list("recipient_id", flat=True)
    )


def test_the_funder_is_told_once_of_an_invoice_due_within_7_days(funder_world):
    programme, staff = funder_world["programme"], funder_world["staff"]
    soon = invoice(programme, 1, dt.date(2025, 8, 15))
    later = invoice(programme, 2, dt.date(2025, 8, 16))  # 8 days ahead
    paid = invoice(programme, 3, dt.date(2025, 8, 10), paid=AMOUNT)
    overdue = invoice(programme, 4, dt.date(2025, 8, 1), paid=AMOUNT - 16_800)

    assert run(dt.date(2025, 8, 8)) == {"invoices": 2, "notified": 4}
    assert told(soon.number) == told(overdue.number) == {u.pk for u in staff}
    assert told(later.number) == told(paid.number) == set()
    assert not Notification.objects.filter(recipient=funder_world["outsider"]).exists()
    notice = Notification.objects.get(recipient=staff[0], context__invoice_number=soon.number)
    assert notice.url == reverse("programmes:detail", args=[programme.pk]) + "#invoices"
    assert notice.target_id == str(soon.pk) and notice.region_code == programme.area_id
    assert soon.number in notice.body_en and "168,000" in notice.body_en
    assert "15 Agustus 2025" in notice.body_id
    left = Notification.objects.get(recipient=staff[0], context__invoice_number=overdue.number)
    assert left.context["amount"] == 16_800  # what is left to pay

    # The next day: nothing new of those two; the one due on the 16th is now within 7 days.
    assert run(dt.date(2025, 8, 9)) == {"invoices": 3, "notified": 2}
    assert told(later.number) == {u.pk for u in staff}
    assert run(dt.date(2025, 8, 10)) == {"invoices": 3, "notified": 0}
    assert Notification.objects.filter(event="programmes.payment_due").count() == 6


def test_a_new_due_date_is_told_again(funder_world):
    row = invoice(funder_world["programme"], 1, dt.date(2025, 8, 15))
    assert run(dt.date(2025, 8, 10))["notified"] == 2
    ProgrammeInvoice.objects.filter(pk=row.pk).update(due_on=dt.date(2025, 9, 15))
    assert run(dt.date(2025, 8, 11))["notified"] == 0  # not due within 7 days any more
    assert run(dt.date(2025, 9, 8))["notified"] == 2


def test_a_funder_without_an_organisation_tells_nobody(region_tree, rates, make_user):
    make_user(Role.PROVINCE_OFFICER, scope=["18"])
    invoice(make_programme(region_tree["18.71"]), 1, dt.date(2025, 8, 15))
    assert run(dt.date(2025, 8, 14)) == {"invoices": 0, "notified": 0}
    assert not Notification.objects.exists()


def test_it_runs_as_a_schedule_job(funder_world, settings):
    settings.LINDUNG_JOBS_INLINE = True
    invoice(funder_world["programme"], 1, dt.date(2025, 8, 15))
    job = submit(
        actor=None,
        kind="schedule.payments-due",
        target="2025-08-08T07:45",
        label="test",
        work="lindung.programmes.jobs.payments_due",
        arguments={"due": "2025-08-08T07:45:00+07:00"},
    )
    job.refresh_from_db()
    assert (job.state, job.result) == (JobState.DONE, {"invoices": 1, "notified": 2})
