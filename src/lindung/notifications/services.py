"""Writes of the notifications app: ``notify`` (called by other apps' services and jobs),
``deliver_pending`` (called by the worker's schedule, or right after notify), reading one's own
notices and saving one's preferences (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone

from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.notifications import channels
from lindung.notifications.audit import NotificationAudit
from lindung.notifications.events import (
    LANGUAGES,
    OPTIONAL_CHANNELS,
    Channel,
    NotificationEvent,
    spec,
)
from lindung.notifications.models import (
    Attachment,
    Contact,
    Delivery,
    DeliveryStatus,
    Notification,
    Preference,
)
from lindung.notifications.rendering import json_context, render_text

logger = logging.getLogger("lindung.notifications")

# Seconds before the second attempt; each later one waits twice as long (1, 2, 4, 8 … minutes).
BACKOFF_SECONDS = 60
MAX_ATTEMPTS = 5
BATCH = 200


def enabled_channels(user: Any, event: str) -> set[str]:
    """The channels ``user`` receives ``event`` by: their preference, else the event's default.
    In-app is always on."""
    chosen = dict(
        Preference.objects.filter(user=user, event=event).values_list("channel", "enabled")
    )
    default = spec(event)
    return {Channel.IN_APP} | {
        c for c in OPTIONAL_CHANNELS if chosen.get(c.value, default.default(c))
    }


def _address(user: Any, channel: str) -> str:
    if channel == Channel.EMAIL:
        return (user.email or "").strip()
    if channel == Channel.SMS:
        contact = Contact.objects.filter(user=user).first()
        return contact.phone.strip() if contact else ""
    return ""


def _unique_users(recipients: Iterable[Any]) -> list[Any]:
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def notify(
    *,
    event: NotificationEvent | str,
    recipients: Iterable[Any],
    context: Mapping[str, Any],
    target: models.Model | None = None,
    region_code: str = "",
    dedupe_key: str = "",
    url: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> list[Notification]:
    """Tell each recipient about ``event``: one ``Notification`` per (active, distinct) user,
    with the text of the event's templates in Indonesian and English, and a queued ``Delivery``
    for each e-mail / SMS channel the user has on and an address for.

    A trusted step inside the caller's transaction (like the ``*_unchecked`` services): the
    caller has checked its own capability and records its own audit row; no capability here.
    With ``dedupe_key``, a recipient already told about (event, key) is skipped and left out of
    the result, so a daily schedule may call this every day. ``context`` holds plain values
    (text, numbers, dates); ``url`` a path inside Lindung. Returns the new notifications;
    ``deliver_pending`` sends their deliveries (after the caller's commit).
    """
    event = NotificationEvent(event)
    users = _unique_users(recipients)
    if not users:
        return []
    data = dict(context)
    texts = {lang: render_text(event, lang, data) for lang in LANGUAGES}
    stored = json_context(data)
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    now = timezone.now()
    created: list[Notification] = []
    with transaction.atomic():
        for user in users:
            notification = Notification(
                recipient=user,
                event=event,
                title_id=texts["id"][0],
                body_id=texts["id"][1],
                title_en=texts["en"][0],
                body_en=texts["en"][1],
                context=stored,
                url=url,
                target_type=target_type,
                target_id=str(target.pk) if target is not None else "",
                region_code=region_code,
                dedupe_key=dedupe_key,
            )
            if region_code:
                notification.assign_region_codes(region_code)
            if (
                dedupe_key
                and Notification.objects.filter(
                    event=event, recipient=user, dedupe_key=dedupe_key
                ).exists()
            ):
                continue
            try:
                # A concurrent caller may have won the race: the unique constraint decides.
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                if not dedupe_key:
                    raise
                continue
            for filename, content, mimetype in attachments:
                Attachment.objects.create(
                    notification=notification,
                    filename=filename,
                    content=content,
                    mimetype=mimetype,
                )
            for channel in sorted(enabled_channels(user, event) - {Channel.IN_APP}):
                address = _address(user, channel)
                if address:
                    Delivery.objects.create(
                        notification=notification,
                        channel=channel,
                        address=address,
                        next_attempt_at=now,
                    )
            created.append(notification)
    return created


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes."""
    return dt.timedelta(seconds=BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def _claim(now: dt.datetime, limit: int) -> list[int]:
    """Take the due deliveries: one more attempt each, and ``next_attempt_at`` pushed past the
    backoff, so a worker that dies while sending leaves them to be retried later, and a second
    worker does not take the same rows (row locks on PostgreSQL, skipped when taken)."""
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", "attempts")[:limit]
        )
        for pk, attempts in rows:
            Delivery.objects.filter(pk=pk).update(
                attempts=attempts + 1, next_attempt_at=now + backoff(attempts + 1)
            )
    return [pk for pk, _ in rows]


def _error_text(error: Exception) -> str:
    kind = type(error).__name__
    return bilingual(
        f"Pengiriman gagal ({kind}); dicoba lagi nanti.",
        f"Delivery failed ({kind}); it will be retried.",
    )


def deliver_pending(
    *, now: dt.datetime | None = None, max_attempts: int = MAX_ATTEMPTS, limit: int = BATCH
) -> dict[str, int]:
    """Send the queued deliveries that are due; returns counts ``{"sent", "retry", "failed"}``.

    A failed attempt waits ``backoff(attempts)`` before the next; after ``max_attempts`` the
    delivery is ``failed`` with a bilingual reason. The error's class is kept, never its text
    (a provider's message may quote the number or address). Runs outside any transaction of the
    caller's (it talks to mail servers); the worker's schedule calls it every minute.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    sms_gateway = None
    for pk in _claim(now, limit):
        delivery = Delivery.objects.select_related("notification").get(pk=pk)
        try:
            if delivery.channel == Channel.EMAIL:
                channels.send_email(delivery.notification, delivery.address)
            else:
                sms_gateway = sms_gateway or channels.gateway()
                channels.send_sms(delivery.notification, delivery.address, sms_gateway)
        except Exception as error:  # any provider failure is a retry
            failed = delivery.attempts >= max_attempts
            message = _error_text(error)
            if failed:
                message = bilingual(
                    f"Gagal setelah {delivery.attempts} percobaan ({type(error).__name__}).",
                    f"Failed after {delivery.attempts} attempts ({type(error).__name__}).",
                )
            Delivery.objects.filter(pk=pk).update(
                status=DeliveryStatus.FAILED if failed else DeliveryStatus.QUEUED,
                last_error=message,
            )
            logger.warning(
                "delivery %s (%s) attempt %s failed: %s",
                pk,
                delivery.channel,
                delivery.attempts,
                type(error).__name__,
            )
            counts["failed" if failed else "retry"] += 1
            continue
        Delivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
        )
        counts["sent"] += 1
    return counts


def _require_user(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "pk", None) is None:
        raise PermissionDenied("notifications")


def mark_read(*, actor: Any, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (404 for anyone else's). Not audited: see
    ``notifications.audit``."""
    _require_user(actor)
    with transaction.atomic(durable=True):
        try:
            notification = Notification.objects.select_for_update().get(
                pk=notification_id, recipient=actor
            )
        except Notification.DoesNotExist:
            raise Http404(notification_id) from None
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    _require_user(actor)
    with transaction.atomic(durable=True):
        return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def save_preferences(
    *, actor: Any, choices: Mapping[tuple[str, str], bool], phone: str | None = None
) -> None:
    """Store the actor's choice for each (event, optional channel); a choice equal to the event's
    default is stored too (an explicit choice survives a later change of the default). ``phone``
    (when given) is where SMS/WhatsApp messages go. Audited without the phone number."""
    _require_user(actor)
    with transaction.atomic(durable=True):
        before = {
            f"{e}:{c}": v
            for e, c, v in Preference.objects.filter(user=actor).values_list(
                "event", "channel", "enabled"
            )
        }
        after = {}
        for (event, channel), enabled in choices.items():
            event, channel = NotificationEvent(event), Channel(channel)
            if channel not in OPTIONAL_CHANNELS:
                continue
            Preference.objects.update_or_create(
                user=actor, event=event, channel=channel, defaults={"enabled": bool(enabled)}
            )
            after[f"{event.value}:{channel.value}"] = bool(enabled)
        phone_changed = False
        if phone is not None:
            contact, _ = Contact.objects.get_or_create(user=actor)
            phone_changed = contact.phone != phone
            contact.phone = phone
            contact.save(update_fields=["phone"])
        record_audit(
            actor=actor,
            action=NotificationAudit.PREFERENCES_CHANGE,
            target=actor,
            before=before,
            after=after | {"phone_changed": phone_changed},
        )
