"""CSR sponsors, their sites and pledges, and matching runs (issue 7; docs/domain.md §5.2).

A pledge is carried by a ``programmes.Programme`` of the sponsor's ``Funder`` (kind csr or
individual): accepting a matching run approves a selection run of that programme, so the
funded-month ledger (no double funding), enrolment file, invoices and outcomes are the
programme machinery's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager


class SponsorKind(models.TextChoices):
    COMPANY = "company", _("Company (CSR)")
    DONOR = "donor", _("Individual donor")


class Sponsor(RegionCodes):
    """A company or a donor; its staff act through its organisation (owner scope)."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=7, choices=SponsorKind.choices)
    funder = models.OneToOneField(
        "programmes.Funder", on_delete=models.PROTECT, related_name="sponsor"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="sponsors"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_owner_path = "organisation_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["name"]
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")

    def __str__(self) -> str:
        return self.name


class SponsorSite(RegionCodes):
    """Where a company works (or a donor lives): a village, coordinates, or both. Without
    coordinates the village's centroid stands for the site."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)

    scope_owner_path = "sponsor__organisation_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["sponsor_id", "name"]
        verbose_name = _("sponsor site")
        verbose_name_plural = _("sponsor sites")

    def __str__(self) -> str:
        return self.name


class PledgeStatus(models.TextChoices):
    OPEN = "open", _("Open (waiting for matching)")
    MATCHED = "matched", _("Matched (workers reserved)")
    CLOSED = "closed", _("Closed")


class Pledge(RegionCodes):
    """A promise to pay for workers near a site: a budget or a number of workers, for
    ``months`` from ``start_month``. Region columns follow the site's village."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="pledges")
    site = models.ForeignKey(SponsorSite, on_delete=models.PROTECT, related_name="pledges")
    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.PROTECT, related_name="pledge"
    )
    title = models.CharField(max_length=200)
    budget = models.BigIntegerField(help_text=_("Rupiah"))
    worker_count = models.PositiveIntegerField(help_text=_("Persons the pledge pays for"))
    start_month = models.DateField()
    months = models.PositiveSmallIntegerField()
    radius_km = models.FloatField(null=True, blank=True)
    area_codes = models.TextField(blank=True, help_text=_("Comma-separated region codes"))
    occupations = models.TextField(blank=True, help_text=_("Comma-separated; empty = any"))
    women_first = models.BooleanField(default=False)
    max_welfare_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=7, choices=PledgeStatus.choices, default="open")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_owner_path = "sponsor__organisation_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-start_month", "title"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="pledge_budget_nonneg"),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=12), name="pledge_months_1_12"
            ),
            models.CheckConstraint(
                condition=Q(radius_km__isnull=False) | ~Q(area_codes=""),
                name="pledge_has_area",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACCEPTED = "accepted", _("Accepted (workers reserved)")
    DISCARDED = "discarded", _("Discarded")


class MatchRun(RegionCodes):
    """One matching of the open pledges of a region; region columns follow that region."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20)
    status = models.CharField(max_length=9, choices=MatchStatus.choices, default="draft")
    considered = models.PositiveIntegerField(default=0)
    assigned = models.PositiveIntegerField(default=0)
    unfilled = models.PositiveIntegerField(default=0)
    cost = models.BigIntegerField(default=0)
    greedy_assigned = models.PositiveIntegerField(default=0)
    greedy_cost = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-created_at"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.region_id} #{self.pk} ({self.status})"


class Assignment(RegionCodes):
    """One worker assigned to one pledge by a run, with why: distance, need and cost term.
    Region columns follow the worker's village."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="assignments")
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="assignments")
    candidate = models.ForeignKey(
        "programmes.Candidate", on_delete=models.PROTECT, related_name="+"
    )
    distance_km = models.FloatField()
    welfare_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    cost = models.PositiveIntegerField(help_text=_("Tenths of a km: distance + need + preference"))

    scope_owner_path = "pledge__sponsor__organisation_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["pledge_id", "cost", "candidate_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "candidate"], name="one_pledge_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.pledge_id}/{self.candidate_id}"
