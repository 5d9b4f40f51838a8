"""Notifications (one row per recipient, the in-app notice), their deliveries by e-mail and
SMS/WhatsApp (the delivery log, with retries), attachments, and each user's preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager
from lindung.notifications.events import Channel, NotificationEvent


class Notification(RegionCodes):
    """What one person was told, in both languages.

    The text is rendered from the event's templates when the event happens, in Indonesian and in
    English, and kept: a notice says what it said even after a template changes, the list needs
    no template rendering, and the reader sees it in the language of the page (``User`` has no
    language field; e-mail goes out in ``settings.LANGUAGE_CODE`` with the other language below).
    The context is kept too (JSON) for the API and later re-rendering.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=40, choices=NotificationEvent.choices)
    title_id = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    body_id = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    context = models.JSONField(default=dict, blank=True)
    # A link inside Lindung (a path), shown as "open".
    url = models.CharField(max_length=300, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    region_code = models.CharField(max_length=13, blank=True)
    # Same (event, recipient, key) twice creates nothing: a daily schedule notifies once.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    # A notice is its recipient's; region codes let region staff's tools (a delivery log, the
    # audit of a region's reports) scope them like every other row. Selectors of the user's own
    # list filter by recipient on top (an officer never reads a colleague's notices).
    scope_assignee_path = "recipient_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["recipient", "read_at"], name="notifications_unread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="uniq_notification_dedupe",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id}: {self.title_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def _in(self, language: str | None, indonesian: str, english: str) -> str:
        return english if (language or get_language() or "id").startswith("en") else indonesian

    def title(self, language: str | None = None) -> str:
        return self._in(language, self.title_id, self.title_en)

    def body(self, language: str | None = None) -> str:
        return self._in(language, self.body_id, self.body_en)


class Attachment(models.Model):
    """A file sent with a notification's e-mail (the monthly coverage PDF)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100, default="application/pdf")
    content = models.BinaryField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One attempt series to carry a notification outside the app: the delivery log."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The e-mail address or phone number at the time of the event (personal data: never logged).
    address = models.CharField(max_length=254)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notifications_due")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.notification_id} ({self.status})"


class Preference(models.Model):
    """A user's choice for one event and channel; no row means the event's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=40, choices=NotificationEvent.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event", "channel"], name="uniq_notification_preference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event} {self.channel}={self.enabled}"


class Contact(models.Model):
    """Where SMS/WhatsApp messages reach a user (``User`` has no phone field)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_contact"
    )
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("notification contact")
        verbose_name_plural = _("notification contacts")

    def __str__(self) -> str:
        return f"contact of {self.user_id}"
