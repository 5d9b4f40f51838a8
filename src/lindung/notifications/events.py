"""The events Lindung tells people about, as data (docs/notifications.md).

An app that wants to tell someone something calls ``services.notify(event=NotificationEvent.…)``;
it never writes e-mail text itself. Each event has a label (the preferences page), the default of
each channel (in-app is always on; e-mail and SMS/WhatsApp are a default the user may change) and
one text template per language, ``notifications/email/<event>.<lang>.txt``: its first line is the
subject (also the in-app title), the rest the body. An optional ``<event>.<lang>.html`` beside it
is sent as the e-mail's HTML alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# The languages every event has a template in (settings.LANGUAGES).
LANGUAGES = ("id", "en")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS / WhatsApp")


# Channels the user may switch off; the in-app notice is the record and always written.
OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.SMS)


class NotificationEvent(models.TextChoices):
    """What happened. The values are stored in rows and preferences, so they never change."""

    JOB_DONE = "job.done", _("A job of mine finished")
    JOB_FAILED = "job.failed", _("A job of mine failed")
    CASE_DUE = "compliance.case_due", _("A compliance case step is due")
    CASE_OVERDUE = "compliance.case_overdue", _("A compliance case step is overdue")
    LETTER_ISSUED = "compliance.letter_issued", _("A compliance letter was issued")
    INVOICE_ISSUED = "programmes.invoice_issued", _("A programme invoice was issued")
    PAYMENT_DUE = "programmes.payment_due", _("A programme payment is due")
    FUNDING_ENDING = "programmes.funding_ending", _("Programme funding ends within 30 days")
    AWARD_STAGE_OPENED = "award.stage_opened", _("An award stage opened")
    COVERAGE_MONTHLY_REPORT = "coverage.monthly_report", _("Monthly coverage report (PDF)")
    REGISTRATION_DECIDED = (
        "registrations.decided",
        _("A registration I started was confirmed or rejected"),
    )


@dataclass(frozen=True)
class EventSpec:
    """How an event is delivered when the user has not said otherwise."""

    email: bool = True
    sms: bool = False

    def default(self, channel: str) -> bool:
        if channel == Channel.IN_APP:
            return True
        return self.email if channel == Channel.EMAIL else self.sms


SPECS: dict[str, EventSpec] = {
    NotificationEvent.JOB_DONE: EventSpec(email=True),
    NotificationEvent.JOB_FAILED: EventSpec(email=True),
    NotificationEvent.CASE_DUE: EventSpec(email=False),
    NotificationEvent.CASE_OVERDUE: EventSpec(email=True),
    NotificationEvent.LETTER_ISSUED: EventSpec(email=True),
    NotificationEvent.INVOICE_ISSUED: EventSpec(email=True),
    NotificationEvent.PAYMENT_DUE: EventSpec(email=True),
    NotificationEvent.FUNDING_ENDING: EventSpec(email=True),
    NotificationEvent.AWARD_STAGE_OPENED: EventSpec(email=True),
    # A subscription: officers opt in on the preferences page.
    NotificationEvent.COVERAGE_MONTHLY_REPORT: EventSpec(email=False),
    # The branch's answer to a request someone started for a worker (registrations/notices.py).
    NotificationEvent.REGISTRATION_DECIDED: EventSpec(email=True),
}


def spec(event: str) -> EventSpec:
    return SPECS[NotificationEvent(event)]


def template_name(event: str, language: str, suffix: str = "txt") -> str:
    return f"notifications/email/{NotificationEvent(event).value}.{language}.{suffix}"
