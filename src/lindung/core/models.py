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
    """One file being imported (docs/ARCHITECTURE.md "Import pipeline").

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


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_JOB_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(RegionCodes):
    """One long operation run by the worker (docs/ARCHITECTURE.md "Jobs"): an import, a
    compliance run, a matching… The task library (django-tasks) carries the call; this row
    carries what people see — state, percent and step, the bilingual reason of a failure — and
    the rule that one target has at most one active job of a kind."""

    kind = models.CharField(max_length=40)
    # What the job works on, e.g. a file's SHA-256 or a region code: one active job per target.
    target = models.CharField(max_length=200)
    label = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=9, choices=JobState.choices, default=JobState.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    # The task function (a dotted path) and its keyword arguments, to run it again.
    task_path = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    worker_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Staff see the jobs of their regions; everyone sees the jobs they started.
    scope_assignee_path = "owner_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target"],
                condition=models.Q(state__in=["queued", "running"]),
                name="core_job_one_active_per_target",
            )
        ]
        indexes = [*RegionCodes.Meta.indexes, models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.label} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_JOB_STATES


class WorkerBeat(models.Model):
    """A worker process, seen alive at ``seen_at`` (a thread beside the tasks refreshes it)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class ScheduleRun(models.Model):
    """One firing of a schedule: the unique (name, due_at) makes it run once, whatever the
    number of workers."""

    name = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "due_at"], name="core_schedule_run_once")
        ]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")

    def __str__(self) -> str:
        return f"{self.name} @ {self.due_at:%Y-%m-%d %H:%M}"
