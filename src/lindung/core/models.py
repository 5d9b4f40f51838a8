from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager


class AuditLog(RegionCodes):
    """Who did what to which object, with before/after, written by services in their transaction.

    Rows are only ever inserted. Bulk operations write one row with counts, file hash and job id in
    ``after``. Rows located in a region (``region_code``) are visible to auditors of that region;
    rows with no region only to unrestricted auditors.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept even if the user is deleted later; "system" for CLI or jobs without a user.
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    region_code = models.CharField(max_length=13, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [*RegionCodes.Meta.indexes, models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )


class ImportState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One file being imported (DESIGN.md §8 "Imports").

    Chunks commit one by one together with their counters and rejections, so ``last_chunk`` always
    tells how far the file is in the database; a killed job is resumed from there.
    """

    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=8, choices=ImportState.choices, default=ImportState.RUNNING)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    last_chunk = models.IntegerField(default=-1)
    # Chunks are numbered in units of this size; a resumed job keeps it whatever is asked.
    chunk_size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # A job is its uploader's (admins see all); its rejections carry only masked personal data.
    scope_assignee_path = "actor_id"
    objects = ScopedManager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.state})"

    def counts(self) -> dict[str, int | str]:
        return {
            "job": self.pk,
            "state": self.state,
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_unchanged": self.rows_unchanged,
            "rows_rejected": self.rows_rejected,
        }


class ImportRejection(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejections")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=60)
    value = models.CharField(max_length=200)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["job_id", "line", "id"]
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")

    def __str__(self) -> str:
        return f"{self.line}:{self.column} {self.reason}"
