"""How a delivery leaves the server: e-mail through Django's e-mail backend (``EMAIL_BACKEND``:
SMTP in production, the file backend in the demo, locmem in tests) and SMS/WhatsApp through a
gateway chosen by ``LINDUNG_SMS_BACKEND`` (a dotted path; ``ConsoleGateway`` by default).

A gateway is anything with ``send(to, text)`` that raises on failure; tests plug in fakes and
never call a provider. Phone numbers and addresses are personal data: nothing here logs them
unmasked.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.module_loading import import_string

from lindung.notifications.events import LANGUAGES, template_name
from lindung.notifications.models import Notification

logger = logging.getLogger("lindung.notifications")

DEFAULT_SMS_BACKEND = "lindung.notifications.channels.ConsoleGateway"


@runtime_checkable
class Gateway(Protocol):
    """An SMS or WhatsApp provider. ``send`` raises any exception when the message did not go."""

    def send(self, to: str, text: str) -> None: ...


def mask_phone(number: str) -> str:
    """``+6281234567890`` → ``***********890``: only the last three digits stay readable."""
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return "*" * max(len(digits) - 3, 0) + digits[-3:]


def mask_email(address: str) -> str:
    """``siti@example.org`` → ``s***@example.org``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class ConsoleGateway:
    """Writes the message to the log instead of sending it (development, demo, tests). The
    number is masked; the text is logged by length only (it may name a person or a company)."""

    def send(self, to: str, text: str) -> None:
        logger.info("sms/whatsapp to %s: %d characters", mask_phone(to), len(text))


@lru_cache(maxsize=8)
def _gateway_class(path: str) -> type:
    return import_string(path)


def gateway() -> Gateway:
    """The configured SMS/WhatsApp gateway (a new instance per delivery run)."""
    path = getattr(settings, "LINDUNG_SMS_BACKEND", "") or DEFAULT_SMS_BACKEND
    return _gateway_class(path)()


def primary_language() -> str:
    """The language messages go out in first (users have no language of their own yet)."""
    code = (settings.LANGUAGE_CODE or "id")[:2]
    return code if code in LANGUAGES else "id"


def _both(notification: Notification, part: str, language: str) -> str:
    other = "en" if language == "id" else "id"
    first = getattr(notification, f"{part}_{language}")
    second = getattr(notification, f"{part}_{other}")
    return first if not second or second == first else f"{first}\n\n———\n\n{second}"


def sms_text(notification: Notification, language: str | None = None) -> str:
    """One short message: the title in the primary language and the link."""
    text = notification.title(language or primary_language())
    if notification.url:
        text += f" {site_url()}{notification.url}"
    return text[:320]


def site_url() -> str:
    return str(getattr(settings, "LINDUNG_SITE_URL", "")).rstrip("/")


def email_message(notification: Notification, address: str) -> EmailMultiAlternatives:
    """The e-mail of a notification: subject in the primary language, the body in it and then
    in the other language, the HTML alternative if the event has one, and the attachments."""
    language = primary_language()
    body = _both(notification, "body", language)
    if notification.url:
        body += f"\n\n{site_url()}{notification.url}"
    message = EmailMultiAlternatives(
        subject=notification.title(language),
        body=body,
        from_email=None,  # settings.DEFAULT_FROM_EMAIL
        to=[address],
    )
    html = _html(notification, language)
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in notification.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def _html(notification: Notification, language: str) -> str:
    try:
        template = get_template(template_name(notification.event, language, "html"))
    except TemplateDoesNotExist:
        return ""
    context = dict(notification.context) | {
        "notification": notification,
        "site_url": site_url(),
    }
    with translation.override(language):
        return template.render(context)


def send_email(notification: Notification, address: str) -> None:
    email_message(notification, address).send(fail_silently=False)


def send_sms(notification: Notification, address: str, backend: Gateway | None = None) -> None:
    (backend or gateway()).send(address, sms_text(notification))
