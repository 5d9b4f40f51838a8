"""Selection runs (issue 6 item 4) and the ledger that keeps one funder per person and month.

A run is a frozen, versioned answer to "who gets this programme": one ``Decision`` per
candidate considered, with the reason. Approving a run writes its beneficiaries' funded months
into ``FundedMonth``, whose unique (NIK, month) index is what makes double funding impossible
even when two approvals race (the database, not the application, decides who wins).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import ScopedManager


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (not yet approved)")
    APPROVED = "approved", _("Approved (the beneficiary list)")
    SUPERSEDED = "superseded", _("Superseded by a later approved run")
    DISCARDED = "discarded", _("Discarded")


class Reason(models.TextChoices):
    """Why a candidate is in or out, in the order the checks are applied (the first failing
    check is the decision's ``reason``; ``reasons`` lists every failing one)."""

    SELECTED = "selected", _("Selected")
    OUTSIDE_AREA = "outside_area", _("Lives outside the programme area")
    TOO_YOUNG = "too_young", _("Younger than the minimum age")
    TOO_OLD = "too_old", _("Older than the maximum age")
    OCCUPATION = "occupation", _("Occupation not targeted")
    NOT_POOR_ENOUGH = "welfare_decile", _("Welfare decile above the limit or unknown")
    ACTIVE_PARTICIPANT = "active_participant", _("Already an active BPJS participant")
    FUNDED_ELSEWHERE = "funded_elsewhere", _("Funded by another programme in these months")
    VILLAGE_QUOTA = "village_quota", _("Village quota already filled")
    NO_CAPACITY = "no_capacity", _("Eligible, but the target or budget is used up")


class SelectionRun(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="runs"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    # The rules as they were when the run was made, so a later edit cannot rewrite history.
    rules = models.JSONField(default=dict)
    capacity = models.PositiveIntegerField(help_text=_("Persons the target and budget allow"))
    considered = models.PositiveIntegerField(default=0)
    selected = models.PositiveIntegerField(default=0)
    cost = models.BigIntegerField(default=0, help_text=_("Rupiah: selected × months × premium"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)

    scope_region_path = "programme__"
    scope_owner_path = "programme__funder__organisation_id"
    objects = ScopedManager()

    class Meta:
        ordering = ["programme_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="uniq_run_version"),
            # An approved list is replaced only by superseding it, never by a second approval.
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status="approved"),
                name="one_approved_run_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.version} ({self.status})"


class Decision(models.Model):
    """One candidate's fate in one run. Written 500,000 at a time by one INSERT … SELECT, so
    the table is kept lean: the (run, candidate) key is the only index, and the foreign keys
    are not database constraints — both sides exist by construction (the statement reads the
    candidates and the run it has just created), and Django still enforces CASCADE/PROTECT."""

    pk = models.CompositePrimaryKey("run_id", "candidate_id")
    run = models.ForeignKey(
        SelectionRun,
        on_delete=models.CASCADE,
        related_name="decisions",
        db_constraint=False,
        db_index=False,
    )
    candidate = models.ForeignKey(
        "programmes.Candidate",
        on_delete=models.PROTECT,
        related_name="decisions",
        db_constraint=False,
        db_index=False,
    )
    selected = models.BooleanField()
    # Position among the eligible by the priority rules (null for the ineligible).
    rank = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reasons = models.CharField(max_length=200, blank=True)

    scope_region_path = "candidate__"
    scope_owner_path = "run__programme__funder__organisation_id"
    objects = ScopedManager()

    class Meta:
        ordering = ["run_id", "rank", "candidate_id"]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.candidate_id}: {self.reason}"

    @property
    def reason_labels(self) -> list[str]:
        """Every failing check by its label (``reasons`` holds their codes)."""
        labels = dict(Reason.choices)
        return [str(labels.get(r, r)) for r in self.reasons.split(",") if r.strip()]


class FundedMonth(models.Model):
    """One person funded by one programme for one month (first day of the month)."""

    nik = models.CharField(max_length=16)
    month = models.DateField()
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="funded_months_set"
    )
    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nik", "month"], name="one_funder_per_person_month"),
        ]
        indexes = [models.Index(fields=["programme", "nik"], name="programmes_funded_prog")]

    def __str__(self) -> str:
        return f"{self.nik[:4]}… {self.month:%Y-%m} → {self.programme_id}"
