"""Coverage facts (month-end, per region), their refresh state, targets and published figures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager
from lindung.coverage.dimensions import COUNT_COLUMNS
from lindung.regions.models import Confidence, Level, Region


class CoverageFact(RegionCodes):
    """Covered persons in one region at one month-end, with one column per breakdown value.

    Written only by ``facts.refresh_months`` (``INSERT … SELECT … GROUP BY``); dashboards, the API,
    the CLI and reports read these rows and never scan memberships.
    """

    month = models.DateField(help_text=_("Month-end day the counts are taken on"))
    level = models.CharField(max_length=10, choices=Level.choices)
    # No database constraint: facts are rebuilt in bulk, and a region code always exists.
    region = models.ForeignKey(
        Region, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
    )
    covered = models.IntegerField()

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["month", "region_id"]
        verbose_name = _("coverage fact")
        verbose_name_plural = _("coverage facts")
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="uniq_coverage_fact"),
        ]
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["month", "level"], name="coverage_fact_month_level"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month}: {self.covered}"

    def counts(self, columns: tuple[str, ...] = COUNT_COLUMNS) -> dict[str, int]:
        return {c: getattr(self, c) for c in columns}


for _column in COUNT_COLUMNS:
    CoverageFact.add_to_class(_column, models.IntegerField(default=0))


class CoverageMonth(models.Model):
    """Refresh state of one month: a refresh that dies leaves later months ``stale`` and the next
    run picks them up; an import marks the months it touched stale."""

    month = models.DateField(primary_key=True)
    stale = models.BooleanField(default=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    fact_rows = models.IntegerField(default=0)
    covered = models.IntegerField(default=0, help_text=_("Covered persons in all regions"))
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["month"]
        verbose_name = _("coverage month")
        verbose_name_plural = _("coverage months")

    def __str__(self) -> str:
        return f"{self.month} ({'stale' if self.stale else 'fresh'})"


class CoverageTarget(RegionCodes):
    """A published coverage target (docs/domain.md §7.2). Conflicting sources are stored side by
    side,
    each with its own label, never merged."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="coverage_targets")
    year = models.PositiveSmallIntegerField()
    target_pct = models.DecimalField(max_digits=5, decimal_places=2)
    label = models.CharField(max_length=120, help_text=_("Who set it, e.g. BPJS Kanwil, RPJMD"))
    source = models.TextField()
    confidence = models.CharField(
        max_length=15, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    note = models.TextField(blank=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["region_id", "year", "label"]
        verbose_name = _("coverage target")
        verbose_name_plural = _("coverage targets")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "label"], name="uniq_coverage_target"
            ),
            models.CheckConstraint(
                condition=models.Q(target_pct__gte=0, target_pct__lte=100),
                name="coverage_target_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.target_pct} % ({self.label})"


class IndicatorPoint(RegionCodes):
    """A coverage figure published elsewhere (BPJS statements, news), drawn beside the computed
    series. Any of covered / population / percentage may be missing from the source."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="indicator_points")
    reference_date = models.DateField()
    covered = models.BigIntegerField(null=True, blank=True)
    population = models.BigIntegerField(null=True, blank=True)
    coverage_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    label = models.CharField(max_length=120)
    source = models.TextField()
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["region_id", "reference_date", "label"]
        verbose_name = _("published coverage figure")
        verbose_name_plural = _("published coverage figures")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "reference_date", "label"], name="uniq_indicator_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.reference_date} {self.label}"
