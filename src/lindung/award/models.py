"""The Paritrana Award (docs/domain.md §6): editions, categories, criteria, entries, answers with
evidence, verification, jury assignments and scores, and frozen scoring runs.

Visibility (docs/award.md): the organisers (province, and the branch and auditors reading) see the
entries of their region; an entrant sees only its own entry (a regency or village office the
entry of exactly its region, an employer the entry of its own company); verifiers and jurors see
only the entries assigned to them. ``Entry.objects.for_actor`` is the one gate; every other row is
reached through its entry.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from lindung.core.roles import Role
from lindung.core.scope import RegionCodes, ScopedManager, ScopedQuerySet, actor_scope, region_q
from lindung.core.storage import PrivateStorage


class Level(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial round")
    NATIONAL = "national", _("National round")


class StageKind(models.TextChoices):
    # In the order an edition passes through them (docs/domain.md §6 "Stages").
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    VERIFICATION = "verification", _("Verification")
    INTERVIEW = "interview", _("Interview")
    JURY_DECISION = "jury_decision", _("Jury decision")
    PUBLISHED = "published", _("Results published")


STAGE_ORDER: tuple[str, ...] = tuple(StageKind.values)


def next_stage(stage: str) -> str | None:
    """The stage after ``stage`` (None after the last): stages only move forward."""
    position = STAGE_ORDER.index(stage)
    return STAGE_ORDER[position + 1] if position + 1 < len(STAGE_ORDER) else None


class Edition(RegionCodes):
    """One round of the award. Editions are labelled inconsistently in the sources (by assessment
    year or ceremony year, docs/domain.md §6), so both years are kept."""

    name = models.CharField(max_length=200)
    assessment_year = models.PositiveSmallIntegerField()
    ceremony_year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.PROVINCIAL)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    cutoff_date = models.DateField(
        _("cut-off date"), help_text=_("Automatic indicators are computed as of this day")
    )
    stage = models.CharField(
        max_length=15, choices=StageKind.choices, default=StageKind.SELF_ASSESSMENT
    )
    feeds = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rounds",
        help_text=_("The national edition this provincial round feeds"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-assessment_year", "name"]
        verbose_name = _("award edition")
        constraints = [
            models.UniqueConstraint(fields=["region", "assessment_year", "level"], name="uniq_ed")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def published(self) -> bool:
        return self.stage == StageKind.PUBLISHED


class Stage(models.Model):
    """The planned dates of one stage of an edition (the edition's ``stage`` says which is on)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(max_length=15, choices=StageKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "kind"], name="uniq_award_stage"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="stage_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} · {self.get_kind_display()}"


class CategoryKind(models.TextChoices):
    PROVINCE = "province", _("Provincial government")
    REGENCY = "regency", _("Regency/city government")
    VILLAGE = "village", _("Village/kelurahan government")
    BUSINESS_SMALL = "business_small", _("Micro and small business (UMK)")
    BUSINESS_LARGE = "business_large", _("Medium and large business")


REGION_KINDS = frozenset({CategoryKind.PROVINCE, CategoryKind.REGENCY, CategoryKind.VILLAGE})


class SectorGroup(models.TextChoices):
    # The 2023 Lampung round's business groups (docs/domain.md §6 "Categories").
    NONE = "", _("All sectors")
    FINANCE = "finance", _("Finance and banking")
    TRADE = "trade", _("Trade and services")
    MANUFACTURING = "manufacturing", _("Manufacturing, construction and mining")
    AGRICULTURE = "agriculture", _("Agriculture, plantation and marine")
    EDUCATION = "education", _("Education")


class Category(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="categories")
    kind = models.CharField(max_length=14, choices=CategoryKind.choices)
    sector_group = models.CharField(
        max_length=13, choices=SectorGroup.choices, blank=True, default=""
    )
    name = models.CharField(max_length=200)
    winners = models.PositiveSmallIntegerField(default=3, help_text=_("Places awarded"))

    class Meta:
        ordering = ["edition", "id"]
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind", "sector_group"], name="uniq_award_category"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def for_regions(self) -> bool:
        return self.kind in REGION_KINDS


class CriterionKind(models.TextChoices):
    INDICATOR = "indicator", _("Automatic indicator")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire item with evidence")
    JURY = "jury", _("Interview and jury score")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Criterion(models.Model):
    """One scored item of a category. Weights are the edition's own (no official weights are
    public, docs/domain.md §6): the defaults come from ``data/default_criteria.csv`` and the
    organiser
    may change them until the results are published (each run freezes the weights it used)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=13, choices=CriterionKind.choices)
    indicator = models.CharField(
        max_length=40, blank=True, help_text=_("Key of the automatic indicator")
    )
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2)
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    max_points = models.PositiveSmallIntegerField(
        default=100, help_text=_("Questionnaire: the highest answer value; jury: 100")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "position", "id"]
        verbose_name = _("award criterion")
        verbose_name_plural = _("award criteria")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="uniq_award_criterion"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class EntryOrigin(models.TextChoices):
    NOMINATED = "nominated", _("Nominated from the data")
    APPLIED = "applied", _("Applied")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Roles that organise or follow an edition and see every entry in their region.
ORGANISER_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.BPJS_BRANCH, Role.AUDITOR})
# Region offices that enter for exactly their own region.
REGION_ENTRANT_ROLES = frozenset({Role.REGENCY_OFFICER, Role.VILLAGE_OPERATOR})


class EntryQuerySet(ScopedQuerySet):
    def for_actor(self, user: Any) -> EntryQuerySet:
        scope = actor_scope(user)
        if scope.unrestricted:
            return self
        if scope.role in ORGANISER_ROLES:
            return self.filter(region_q("", scope.region_codes))
        if scope.role in REGION_ENTRANT_ROLES:
            return self.filter(subject_region_id__in=scope.region_codes or ["-"])
        if scope.role == Role.EMPLOYER and scope.organisation_id:
            return self.filter(entrant_id=scope.organisation_id, employer__isnull=False)
        kind = {Role.AWARD_VERIFIER: "verifier", Role.AWARD_JURY: "juror"}.get(scope.role or "")
        if kind and scope.user_id:
            mine = Assignment.objects.filter(entry=OuterRef("pk"), user_id=scope.user_id, kind=kind)
            return self.filter(Exists(mine))
        return self.none()


class Entry(RegionCodes):
    """A region or a company in one category. Region columns: the region itself, or the
    company's village."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="entries")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="entries")
    subject_region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entrant = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_entries",
        help_text=_("The company's organisation, whose staff fill in the entry"),
    )
    name = models.CharField(max_length=200)
    origin = models.CharField(
        max_length=9, choices=EntryOrigin.choices, default=EntryOrigin.NOMINATED
    )
    status = models.CharField(max_length=9, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(EntryQuerySet)()

    class Meta(RegionCodes.Meta):
        ordering = ["category", "name"]
        verbose_name = _("award entry")
        verbose_name_plural = _("award entries")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subject_region"],
                condition=Q(subject_region__isnull=False),
                name="uniq_award_region_entry",
            ),
            models.UniqueConstraint(
                fields=["edition", "employer"],
                condition=Q(employer__isnull=False),
                name="uniq_award_employer_entry",
            ),
            models.CheckConstraint(
                condition=Q(subject_region__isnull=True) ^ Q(employer__isnull=True),
                name="award_entry_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """An automatic indicator frozen at the edition's cut-off date, with the figures it came
    from (``details``) so a reader can trace it back to the coverage, programme or compliance
    selector that gave it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="indicators")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    details = models.JSONField(default=dict)
    as_of = models.DateField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion"], name="uniq_award_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.criterion} = {self.value}"


class Verdict(models.TextChoices):
    PENDING = "pending", _("Not verified yet")
    ACCEPTED = "accepted", _("Accepted")
    ADJUSTED = "adjusted", _("Adjusted")
    REJECTED = "rejected", _("Rejected")


class Answer(models.Model):
    """An entrant's answer to a questionnaire item, and the verifier's verdict on it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(help_text=_("From 0 to the item's maximum"))
    text = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)
    verdict = models.CharField(max_length=8, choices=Verdict.choices, default=Verdict.PENDING)
    verified_value = models.PositiveSmallIntegerField(null=True, blank=True)
    verdict_reason = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion"], name="uniq_award_answer")
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.criterion} = {self.value}"

    @property
    def counted_value(self) -> int:
        """What scoring uses: only a verified answer counts (a rejected one as 0)."""
        return self.verified_value if self.verdict != Verdict.PENDING and self.verified_value else 0


class AwardStorage(PrivateStorage):
    """Evidence files under ``AWARD_FILES_DIR`` (default VAR_DIR/award)."""

    setting = "AWARD_FILES_DIR"
    folder = "award"


def evidence_storage() -> AwardStorage:
    return AwardStorage()


class Evidence(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/", storage=evidence_storage)
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class AssignmentKind(models.TextChoices):
    VERIFIER = "verifier", _("Verifier")
    JUROR = "juror", _("Juror")


class Assignment(models.Model):
    """A verifier or juror assigned to an entry. A juror with a declared conflict of interest
    keeps seeing the entry but its scores are refused and never counted."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="award_assignments"
    )
    kind = models.CharField(max_length=8, choices=AssignmentKind.choices)
    conflict = models.BooleanField(default=False)
    conflict_reason = models.TextField(blank=True)
    conflict_declared_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "kind", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "user", "kind"], name="uniq_award_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.kind} {self.user}"


class JuryScore(models.Model):
    """One juror's score (0–100) of one jury criterion of an entry."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2)
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="uniq_jury_score"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="jury_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.criterion} = {self.score}"


class ScoringRun(models.Model):
    """One computation of an edition's ranking from frozen inputs: ``inputs`` holds every raw
    value, weight and rule the formula used (canonical JSON, hashed), so the ranking can be
    recomputed and compared at any later time."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()
    formula_version = models.CharField(max_length=20)
    inputs = models.JSONField()
    inputs_sha256 = models.CharField(max_length=64)
    sensitivity = models.JSONField(default=dict)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(auto_now_add=True)
    final = models.BooleanField(default=False, help_text=_("The run whose ranking is published"))

    class Meta:
        ordering = ["edition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="uniq_award_run"),
            models.UniqueConstraint(
                fields=["edition"], condition=Q(final=True), name="one_final_award_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} #{self.number}"


class Result(models.Model):
    """An entry's total and rank in one run (subtotals by criterion kind for the tie-breaks)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="results")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="results")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(max_digits=9, decimal_places=4)
    indicator_score = models.DecimalField(max_digits=9, decimal_places=4)
    questionnaire_score = models.DecimalField(max_digits=9, decimal_places=4)
    jury_score = models.DecimalField(max_digits=9, decimal_places=4)
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["run", "category", "rank", "entry__name"]
        constraints = [models.UniqueConstraint(fields=["run", "entry"], name="uniq_award_result")]

    def __str__(self) -> str:
        return f"{self.run} · {self.entry} #{self.rank}"


class CriterionScore(models.Model):
    """The audit of one score: the raw input, its normalised value, the weight and the weighted
    points, with the run (formula version, who, when) and where the input came from."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    raw = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    normalised = models.DecimalField(max_digits=9, decimal_places=4)
    weight = models.DecimalField(max_digits=6, decimal_places=2)
    points = models.DecimalField(max_digits=9, decimal_places=4)
    source = models.JSONField(default=dict)

    class Meta:
        ordering = ["result", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "criterion"], name="uniq_criterion_score")
        ]

    def __str__(self) -> str:
        return f"{self.result} · {self.criterion} = {self.points}"
