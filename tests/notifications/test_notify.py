"""``notify``: one row per recipient in both languages, preferences, dedupe, region codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import get_template

from lindung.notifications import services
from lindung.notifications.events import (
    LANGUAGES,
    SPECS,
    Channel,
    NotificationEvent,
    template_name,
)
from lindung.notifications.models import Delivery, Notification, Preference
from lindung.notifications.rendering import render_text
from lindung.regions.models import Region

pytestmark = pytest.mark.django_db

CASE = {"case_label": "PT Maju & Jaya", "step": "Teguran 1", "due_date": dt.date(2025, 7, 1)}


def test_every_event_has_a_spec_and_a_template_in_each_language():
    assert set(SPECS) == set(NotificationEvent)
    for event in NotificationEvent:
        for language in LANGUAGES:
            get_template(template_name(event, language))
            title, _body = render_text(event, language, {})
            assert title, (event, language)


def test_notify_writes_one_row_per_recipient_in_both_languages(officer, colleague):
    rows = services.notify(
        event=NotificationEvent.CASE_OVERDUE,
        recipients=[officer, colleague, officer, None],
        context=CASE | {"days_overdue": 1200},
        region_code="18.71.01",
        url="/kepatuhan/kasus/1/",
    )
    assert {n.recipient_id for n in rows} == {officer.pk, colleague.pk}
    n = rows[0]
    # Plain text: no HTML escaping of "&"; Indonesian numbers in both.
    assert n.title_id == "Langkah kasus kepatuhan terlambat: PT Maju & Jaya"
    assert n.title_en == "Compliance case step overdue: PT Maju & Jaya"
    assert "1 Juli 2025" in n.body_id and "1.200 hari" in n.body_id
    assert "1 July 2025" in n.body_en
    assert n.context["due_date"] == "2025-07-01"
    assert (n.province_code, n.regency_code, n.district_code) == ("18", "18.71", "18.71.01")
    assert n.read_at is None


def test_the_reader_sees_the_notice_in_the_language_of_the_page(officer):
    from django.utils import translation

    [n] = services.notify(event=NotificationEvent.JOB_FAILED, recipients=[officer],
                          context={"job_label": "Impor", "reason": "x"})  # fmt: skip
    with translation.override("en"):
        assert n.title() == "Job failed: Impor"
    with translation.override("id"):
        assert n.title() == "Pekerjaan gagal: Impor"


def test_target_is_kept(officer):
    region = Region.objects.get(code="18.71")
    [n] = services.notify(
        event=NotificationEvent.COVERAGE_MONTHLY_REPORT,
        recipients=[officer],
        context={"region": region.name, "month": "Juni 2025"},
        target=region,
    )
    assert n.target_type.model == "region" and n.target_id == "18.71"


def test_email_default_and_preferences_per_event_and_channel(officer, colleague):
    # CASE_OVERDUE: e-mail on by default; CASE_DUE: off by default.
    Preference.objects.create(
        user=colleague, event=NotificationEvent.CASE_OVERDUE, channel=Channel.EMAIL, enabled=False
    )
    Preference.objects.create(
        user=colleague, event=NotificationEvent.CASE_DUE, channel=Channel.EMAIL, enabled=True
    )
    services.notify(event=NotificationEvent.CASE_OVERDUE, recipients=[officer, colleague],
                    context=CASE)  # fmt: skip
    services.notify(event=NotificationEvent.CASE_DUE, recipients=[officer, colleague],
                    context=CASE)  # fmt: skip
    # In-app is always on: both have both notices.
    assert Notification.objects.filter(recipient=colleague).count() == 2
    sent_to = set(Delivery.objects.values_list("notification__recipient_id", "notification__event"))
    assert sent_to == {
        (officer.pk, NotificationEvent.CASE_OVERDUE),
        (colleague.pk, NotificationEvent.CASE_DUE),
    }


def test_no_address_no_delivery_and_inactive_users_are_skipped(officer, colleague):
    officer.email = ""
    officer.save()
    colleague.is_active = False
    colleague.save()
    rows = services.notify(event=NotificationEvent.JOB_DONE, recipients=[officer, colleague],
                           context={"job_label": "Impor"})  # fmt: skip
    assert [n.recipient_id for n in rows] == [officer.pk]
    assert not Delivery.objects.exists()


def test_sms_only_when_switched_on_and_a_number_is_known(officer):
    services.save_preferences(
        actor=officer,
        choices={(NotificationEvent.JOB_DONE, Channel.SMS): True},
        phone="+6281234567890",
    )
    services.notify(event=NotificationEvent.JOB_DONE, recipients=[officer],
                    context={"job_label": "Impor"})  # fmt: skip
    assert sorted(Delivery.objects.values_list("channel", "address")) == [
        ("email", "siti@example.org"),
        ("sms", "+6281234567890"),
    ]


@pytest.mark.engine
def test_dedupe_notifies_once(officer, colleague):
    """A case step that becomes overdue notifies its inspector once, not again when the daily
    schedule runs the next day."""
    first = services.notify(event=NotificationEvent.CASE_OVERDUE, recipients=[officer],
                            context=CASE, dedupe_key="case:7:warning_1")  # fmt: skip
    again = services.notify(event=NotificationEvent.CASE_OVERDUE,
                            recipients=[officer, colleague], context=CASE,
                            dedupe_key="case:7:warning_1")  # fmt: skip
    assert len(first) == 1
    assert [n.recipient_id for n in again] == [colleague.pk]
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert Delivery.objects.count() == 2
    # Another key (the next step) or another event is a new notice.
    services.notify(event=NotificationEvent.CASE_OVERDUE, recipients=[officer], context=CASE,
                    dedupe_key="case:7:warning_2")  # fmt: skip
    assert Notification.objects.filter(recipient=officer).count() == 2


@pytest.mark.engine
def test_the_unique_constraint_holds_without_the_service(officer):
    from django.db import IntegrityError, transaction

    kwargs = {"recipient": officer, "event": "job.done", "dedupe_key": "k", "title_id": "a",
              "title_en": "a"}  # fmt: skip
    Notification.objects.create(**kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(**kwargs)
    # Without a key, any number of notices.
    Notification.objects.create(**(kwargs | {"dedupe_key": ""}))
    Notification.objects.create(**(kwargs | {"dedupe_key": ""}))


def test_attachments_are_stored_once_per_notification(officer):
    [n] = services.notify(
        event=NotificationEvent.COVERAGE_MONTHLY_REPORT,
        recipients=[officer],
        context={"region": "Kota Bandar Lampung", "month": "Juni 2025"},
        attachments=[("cakupan-18.71-2025-06.pdf", b"%PDF-1.4 test", "application/pdf")],
    )
    assert [a.filename for a in n.attachments.all()] == ["cakupan-18.71-2025-06.pdf"]


def test_opted_in_picks_subscribers(officer, colleague):
    from lindung.accounts.models import User
    from lindung.notifications.selectors import opted_in

    users = User.objects.filter(pk__in=[officer.pk, colleague.pk])
    report = NotificationEvent.COVERAGE_MONTHLY_REPORT
    assert not opted_in(users, report).exists()
    Preference.objects.create(user=officer, event=report, channel=Channel.EMAIL, enabled=True)
    assert list(opted_in(users, report)) == [officer]
    overdue = NotificationEvent.CASE_OVERDUE
    Preference.objects.create(user=officer, event=overdue, channel=Channel.EMAIL, enabled=False)
    assert list(opted_in(users, overdue)) == [colleague]
