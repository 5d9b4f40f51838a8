"""Employer compliance (docs/domain.md §4): the business registry, check runs and their findings,
risk scores, cases with their steps, letters and attachments.

Every region-located row carries the four level columns of its employer's (or business's)
village, so ``for_actor`` scopes findings, scores and cases with no join (docs/ARCHITECTURE.md
"Region scope").
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager
from lindung.core.storage import PrivateStorage


class Check(models.TextChoices):
    UNREGISTERED = "unregistered", _("Unregistered employer")
    PDS_WORKERS = "pds_workers", _("PDS workers (part of the workforce registered)")
    PDS_WAGE = "pds_wage", _("PDS wages (wages reported too low)")
    PDS_PROGRAMME = "pds_programme", _("PDS programmes (mandatory programmes missing)")
    ARREARS = "arrears", _("Contribution arrears")


class BusinessEntry(RegionCodes):
    """One business of the business registry (OSS/NIB, WLKP headcounts), keyed by NIB."""

    nib = models.CharField(_("NIB"), max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kbli = models.CharField(_("KBLI sector"), max_length=5, blank=True)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    reported_workers = models.PositiveIntegerField(_("reported workforce"))
    reported_avg_wage = models.BigIntegerField(
        _("reported average wage"), null=True, blank=True, help_text=_("Rupiah per month")
    )
    source = models.CharField(max_length=20, help_text=_("e.g. OSS or WLKP"))
    year = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["nib"]
        verbose_name = _("business registry entry")
        verbose_name_plural = _("business registry entries")

    def __str__(self) -> str:
        return f"{self.nib} {self.name}"


class RunState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ComplianceRun(models.Model):
    """One pass of every check over a region subtree (``region_code`` "" = everything).

    Its findings and scores become the current ones of that subtree; earlier ones are kept with
    ``current = False`` for history."""

    region_code = models.CharField(max_length=13, blank=True)
    as_of = models.DateField()
    state = models.CharField(max_length=7, choices=RunState.choices, default=RunState.RUNNING)
    counts = models.JSONField(default=dict, blank=True)
    parameters = models.JSONField(default=dict, blank=True, help_text=_("Weights and thresholds"))
    seconds = models.FloatField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("compliance run")
        verbose_name_plural = _("compliance runs")

    def __str__(self) -> str:
        return f"{self.region_code or '*'} {self.as_of}"


class Finding(RegionCodes):
    """One check firing for one employer (or one unregistered business), with the numbers that
    justify it in ``evidence``; ``severity`` is 0–1 (see docs/compliance.md)."""

    run = models.ForeignKey(ComplianceRun, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=14, choices=Check.choices)
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    business = models.ForeignKey(
        BusinessEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    severity = models.FloatField()
    amount = models.BigIntegerField(
        default=0, help_text=_("Main figure: workers missing, members affected or Rupiah unpaid")
    )
    evidence = models.JSONField(default=dict)
    current = models.BooleanField(default=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["kind", "-severity", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["current", "kind"], name="finding_current_kind"),
            models.Index(fields=["employer", "current"], name="finding_employer_current"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | Q(business__isnull=False),
                name="finding_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.employer_id or ''}/{self.business_id or ''}"


class RiskScore(RegionCodes):
    """Per employer (or unregistered business) and run: the weighted sum of its findings."""

    run = models.ForeignKey(ComplianceRun, on_delete=models.CASCADE, related_name="scores")
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    business = models.ForeignKey(
        BusinessEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=200)
    score = models.FloatField()
    checks = models.CharField(max_length=80, help_text=_("Comma-separated checks that fired"))
    workers = models.PositiveIntegerField(default=0, help_text=_("Workforce used for the size"))
    current = models.BooleanField(default=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-score", "id"]
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["current", "score"], name="riskscore_current_score"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.score:.1f}"

    @property
    def check_labels(self) -> list[str]:
        return [str(Check(c).label) for c in self.checks.split(",") if c in Check.values]


class Step(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    REMINDER = "reminder", _("Reminder (imbauan)")
    WARNING_1 = "warning_1", _("Warning 1 (teguran I)")
    WARNING_2 = "warning_2", _("Warning 2 (teguran II)")
    REFERRED = "referred", _("Referred (state attorney / TMP2T)")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STEPS = (Step.IDENTIFIED, Step.REMINDER, Step.WARNING_1, Step.WARNING_2, Step.REFERRED)


class Referral(models.TextChoices):
    ATTORNEY = "attorney", _("State attorney (SKK to the Kejaksaan)")
    TMP2T = "tmp2t", _("TMP2T recommendation (denial of public services)")


class Case(RegionCodes):
    """A compliance case about one employer or unregistered business."""

    number = models.CharField(max_length=24, unique=True)
    employer = models.ForeignKey(
        "registry.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="compliance_cases",
    )
    business = models.ForeignKey(
        BusinessEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    subject_name = models.CharField(max_length=200)
    checks = models.CharField(max_length=80)
    risk_score = models.FloatField(default=0)
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.IDENTIFIED)
    opened_on = models.DateField()
    step_since = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    referral = models.CharField(max_length=8, choices=Referral.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compliance_cases",
    )
    evidence = models.JSONField(default=dict, help_text=_("The findings when the case opened"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["due_date", "id"]
        verbose_name = _("compliance case")
        verbose_name_plural = _("compliance cases")
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["step", "due_date"], name="case_step_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employer__isnull=False) | Q(business__isnull=False),
                name="case_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name}"

    @property
    def check_labels(self) -> list[str]:
        return [str(Check(c).label) for c in self.checks.split(",") if c in Check.values]

    @property
    def is_open(self) -> bool:
        return self.step in OPEN_STEPS


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    STEP = "step", _("Step")
    NOTE = "note", _("Note")
    ASSIGNED = "assigned", _("Assigned")
    LETTER = "letter", _("Letter")
    ATTACHMENT = "attachment", _("Attachment")


class CaseEvent(models.Model):
    """The case's timeline: every change, note, letter and attachment, oldest first."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    from_step = models.CharField(max_length=10, choices=Step.choices, blank=True)
    to_step = models.CharField(max_length=10, choices=Step.choices, blank=True)
    text = models.TextField(blank=True)
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_region_path = "case__"
    objects = ScopedManager()

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.on}"


class ComplianceStorage(PrivateStorage):
    """Files under ``COMPLIANCE_FILES_DIR`` (default VAR_DIR/compliance)."""

    setting = "COMPLIANCE_FILES_DIR"
    folder = "compliance"


def attachment_storage() -> FileSystemStorage:
    """Attachments live under VAR_DIR (never served statically: downloads check scope)."""
    return ComplianceStorage()


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/", storage=attachment_storage)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_region_path = "case__"
    objects = ScopedManager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")

    def __str__(self) -> str:
        return self.name


class LetterKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder letter (surat imbauan)")
    WARNING_1 = "warning_1", _("Warning letter I (surat teguran I)")
    WARNING_2 = "warning_2", _("Warning letter II (surat teguran II)")
    ATTORNEY = "attorney", _("Special power of attorney to the state attorney (SKK)")
    TMP2T = "tmp2t", _("TMP2T recommendation")


# The step at which each letter may be issued.
LETTER_STEP = {
    LetterKind.REMINDER: Step.REMINDER,
    LetterKind.WARNING_1: Step.WARNING_1,
    LetterKind.WARNING_2: Step.WARNING_2,
    LetterKind.ATTORNEY: Step.REFERRED,
    LetterKind.TMP2T: Step.REFERRED,
}


class LetterTemplate(models.Model):
    """Editable letter text (Django template syntax, formal Indonesian); seeded by migration."""

    kind = models.CharField(max_length=10, choices=LetterKind.choices, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Django template text; see docs/compliance.md"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return self.title


class Letter(models.Model):
    """An issued letter: its number and the HTML rendered at issue (the record); the PDF is
    rendered from that HTML on download, so a later template edit never changes it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    number = models.CharField(max_length=40, unique=True)
    issued_on = models.DateField()
    html = models.TextField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_region_path = "case__"
    objects = ScopedManager()

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return self.number
