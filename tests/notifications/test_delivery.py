"""``deliver_pending``: e-mail through Django's backend (locmem here), SMS through the gateway,
retries with backoff, failure after the last attempt, nothing personal in the logs."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from lindung.notifications import channels, services
from lindung.notifications.events import Channel, NotificationEvent
from lindung.notifications.models import Delivery, DeliveryStatus

# Deliveries are claimed with row locks (SKIP LOCKED on PostgreSQL): both engines.
pytestmark = [pytest.mark.django_db, pytest.mark.engine]

PHONE = "+6281234567890"
SENT: list[tuple[str, str]] = []


class FakeGateway:
    def send(self, to: str, text: str) -> None:
        SENT.append((to, text))


class BrokenGateway:
    def send(self, to: str, text: str) -> None:
        raise ConnectionError(f"provider refused {to}")


def job_done(user, **context):
    return services.notify(
        event=NotificationEvent.JOB_DONE,
        recipients=[user],
        context={"job_label": "Impor peserta: peserta.csv", "rows_imported": 199_990,
                 "rows_rejected": 10} | context,
        url="/impor/5/",
    )  # fmt: skip


def test_email_goes_out_in_indonesian_then_english(officer, settings):
    settings.LINDUNG_SITE_URL = "https://lindung.example.go.id"
    job_done(officer)
    assert services.deliver_pending() == {"sent": 1, "retry": 0, "failed": 0}
    [message] = mail.outbox
    assert message.to == ["siti@example.org"]
    assert message.subject == "Pekerjaan selesai: Impor peserta: peserta.csv"
    assert "Baris ditolak: 10" in message.body and "Rows rejected: 10" in message.body
    assert message.body.index("Baris ditolak") < message.body.index("Rows rejected")
    assert "https://lindung.example.go.id/impor/5/" in message.body
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert delivery.sent_at is not None
    # Sent once: the next run finds nothing due.
    assert services.deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(mail.outbox) == 1


def test_english_site_sends_english_first(officer, settings):
    settings.LANGUAGE_CODE = "en"
    job_done(officer)
    services.deliver_pending()
    assert mail.outbox[0].subject.startswith("Job done:")


def test_html_alternative_and_attachment(officer):
    services.notify(
        event=NotificationEvent.COVERAGE_MONTHLY_REPORT,
        recipients=[officer],
        context={"region": "Kota Bandar Lampung", "month": "Juni 2025"},
        attachments=[("cakupan.pdf", b"%PDF-1.4", "application/pdf")],
    )
    # A subscription: e-mail is off until the officer opts in.
    assert not Delivery.objects.exists()
    services.save_preferences(
        actor=officer, choices={(NotificationEvent.COVERAGE_MONTHLY_REPORT, Channel.EMAIL): True}
    )
    services.notify(
        event=NotificationEvent.COVERAGE_MONTHLY_REPORT,
        recipients=[officer],
        context={"region": "Kota Bandar Lampung", "month": "Juni 2025"},
        attachments=[("cakupan.pdf", b"%PDF-1.4", "application/pdf")],
        dedupe_key="2025-06",
    )
    services.deliver_pending()
    [message] = mail.outbox
    assert message.attachments[0][0] == "cakupan.pdf"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<strong>Kota Bandar Lampung</strong>" in html


def test_retries_with_backoff_then_fails(officer, settings):
    settings.LINDUNG_SMS_BACKEND = "tests.notifications.test_delivery.BrokenGateway"
    officer.email = ""
    officer.save()
    services.save_preferences(
        actor=officer, choices={(NotificationEvent.JOB_DONE, Channel.SMS): True}, phone=PHONE
    )
    job_done(officer)
    now = timezone.now()
    waits = []
    for attempt in range(1, 4):
        counts = services.deliver_pending(now=now, max_attempts=3)
        delivery = Delivery.objects.get()
        assert delivery.attempts == attempt
        if attempt < 3:
            assert counts["retry"] == 1 and delivery.status == DeliveryStatus.QUEUED
            assert "dicoba lagi" in delivery.last_error and "retried" in delivery.last_error
            # Not due again before its backoff.
            assert services.deliver_pending(now=now, max_attempts=3)["retry"] == 0
            waits.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=2)]
    assert delivery.status == DeliveryStatus.FAILED and counts["failed"] == 1
    assert delivery.last_error.startswith("Gagal setelah 3 percobaan")
    assert "Failed after 3 attempts (ConnectionError)" in delivery.last_error
    # The provider's message (which quotes the number) is never kept.
    assert PHONE not in delivery.last_error
    assert services.deliver_pending(now=now + dt.timedelta(days=1))["failed"] == 0


def test_backoff_doubles():
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_sms_through_the_configured_gateway(officer, settings):
    settings.LINDUNG_SMS_BACKEND = "tests.notifications.test_delivery.FakeGateway"
    SENT.clear()
    services.save_preferences(
        actor=officer, choices={(NotificationEvent.JOB_DONE, Channel.SMS): True}, phone=PHONE
    )
    job_done(officer)
    assert services.deliver_pending()["sent"] == 2
    [(to, text)] = SENT
    assert to == PHONE and text.startswith("Pekerjaan selesai") and "/impor/5/" in text


def test_console_gateway_masks_the_number(officer, caplog):
    assert isinstance(channels.gateway(), channels.ConsoleGateway)
    assert isinstance(channels.gateway(), channels.Gateway)
    assert channels.mask_phone(PHONE) == "***********890"
    assert channels.mask_phone("0812-3456-7890") == "*********890"
    services.save_preferences(
        actor=officer, choices={(NotificationEvent.JOB_DONE, Channel.SMS): True}, phone=PHONE
    )
    job_done(officer, job_label="Impor milik Siti")
    with caplog.at_level(logging.DEBUG, logger="lindung.notifications"):
        services.deliver_pending()
    logged = caplog.text
    assert "***********890" in logged
    for secret in (PHONE, "81234567", "siti@example.org", "Siti"):
        assert secret not in logged


def test_failures_log_no_address(officer, settings, caplog):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.BrokenMail"
    job_done(officer)
    with caplog.at_level(logging.DEBUG):
        services.deliver_pending()
    assert "siti@example.org" not in caplog.text
    assert "SMTPRecipientsRefused" in caplog.text


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"no") for m in messages})


def test_command_delivers_and_reports(officer):
    job_done(officer)
    out = io.StringIO()
    call_command("notifications", "deliver", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"failed": 0, "retry": 0, "sent": 1}
    out = io.StringIO()
    call_command("notifications", "status", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"email.sent": 1}
