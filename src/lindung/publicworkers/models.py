"""The register of people regional and village governments pay (Inpres 2/2021; docs/domain.md
§5.1, §13.2): paying bodies, their workers, the category rules that say how each category is
registered and priced, budget lines, and each worker's reconciliation with the registry."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager


class BodyKind(models.TextChoices):
    PROVINCE_OFFICE = "province", _("Provincial government office")
    REGENCY_OFFICE = "regency", _("Regency or city government office")
    VILLAGE = "village", _("Village government")


class BudgetSource(models.TextChoices):
    APBD = "APBD", _("APBD (regional budget)")
    APBDES = "APBDes", _("APBDes (village budget, own revenue or ADD)")
    DANA_DESA = "DanaDesa", _("Dana Desa (village fund)")


class Category(models.Model):
    """A kind of person a government pays (data: ``data/categories.csv``) with the province-wide
    default rule; a regency's own rule is a ``CategoryRule``."""

    code = models.SlugField(max_length=30, primary_key=True)
    order = models.PositiveSmallIntegerField(default=0)
    label_id = models.CharField(max_length=100)
    label_en = models.CharField(max_length=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language (Indonesian unless the page is in English)."""
        return self.label_en if (get_language() or "").startswith("en") else self.label_id


class WageBasis(models.TextChoices):
    HONORARIUM = "honorarium", _("The person's monthly honorarium")
    FIXED = "fixed", _("A fixed amount")


class CategoryRule(models.Model):
    """How a category is registered and priced: the default (``regency`` empty) or a regency's
    override for its own bodies. Each rule keeps its source and confidence."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rules")
    regency = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    segment = models.CharField(max_length=5)  # registry.Segment: PU or BPU
    programmes = models.CharField(max_length=30)  # "JKK JKM JHT"
    wage_basis = models.CharField(max_length=10, choices=WageBasis.choices)
    wage_amount = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300)
    confidence = models.CharField(max_length=1)  # ✔ ◐ ✖
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category"], condition=Q(regency__isnull=True), name="pw_one_default_rule"
            ),
            models.UniqueConstraint(fields=["category", "regency"], name="pw_one_rule_per_regency"),
            models.CheckConstraint(
                condition=Q(wage_basis="honorarium") | Q(wage_amount__gt=0),
                name="pw_fixed_rule_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.regency_id or '*'}"


class PayingBody(RegionCodes):
    """A government body that pays people: a provincial or regency office, or a village
    government. Region columns follow its region (a village government: its village), so a
    village operator sees only its own village's body."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=BodyKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # The body as a registry employer (its NPP), for the PU categories.
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["code"]
        verbose_name = _("paying body")
        verbose_name_plural = _("paying bodies")

    def __str__(self) -> str:
        return self.name


class ReconciliationStatus(models.TextChoices):
    ACTIVE = "active", _("Active participant")
    OTHER_EMPLOYER = "other", _("Registered under another employer")
    LAPSED = "lapsed", _("Lapsed")
    NEVER = "never", _("Never registered")


class PublicWorker(RegionCodes):
    """One person on a body's register. Region columns follow the body (scope is the body's);
    ``village`` is where the person lives (a registration request needs it). Listed from
    ``listed_from`` until ``listed_until`` (exclusive), so coverage on a date counts the register
    of that date. The last reconciliation with the registry is kept on the row."""

    body = models.ForeignKey(PayingBody, on_delete=models.PROTECT, related_name="workers")
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(max_length=150)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    honorarium = models.BigIntegerField(help_text=_("Monthly honorarium, Rupiah"))
    budget_source = models.CharField(max_length=8, choices=BudgetSource.choices)
    listed_from = models.DateField()
    listed_until = models.DateField(null=True, blank=True)
    registration = models.ForeignKey(
        "registrations.Registration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The reconciliation (``reconcile.py``), as of ``reconciled_on``.
    status = models.CharField(
        max_length=6, choices=ReconciliationStatus.choices, default=ReconciliationStatus.NEVER
    )
    kpj = models.CharField(max_length=20, blank=True)
    paid_through = models.DateField(null=True, blank=True)
    monthly_contribution = models.BigIntegerField(default=0)
    reconciled_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["body_id", "category_id", "name"]
        verbose_name = _("public-sector or village worker")
        verbose_name_plural = _("public-sector and village workers")
        constraints = [
            models.UniqueConstraint(fields=["body", "nik"], name="pw_one_row_per_body_nik"),
            models.CheckConstraint(condition=Q(honorarium__gte=0), name="pw_honorarium_nonneg"),
            models.CheckConstraint(
                condition=Q(listed_until__isnull=True)
                | Q(listed_until__gt=models.F("listed_from")),
                name="pw_listed_until_after_from",
            ),
        ]
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["nik"], name="pw_worker_nik"),
            models.Index(fields=["body", "status"], name="pw_worker_body_status"),
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.category_id}"


class BudgetLine(models.Model):
    """What a body budgeted for a category's contributions in a fiscal year, and what it has
    spent (the Inpres 2/2021 monitoring table's last two columns)."""

    body = models.ForeignKey(PayingBody, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    planned = models.BigIntegerField(default=0)
    realised = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["body_id", "fiscal_year", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "category", "fiscal_year"], name="pw_one_budget_line"
            ),
            models.CheckConstraint(
                condition=Q(planned__gte=0) & Q(realised__gte=0), name="pw_budget_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.category_id} {self.fiscal_year}"
