"""Funders and subsidy programmes for vulnerable workers (docs/domain.md §5; issue 6 items 1–2).

A programme pays a fixed package (by default BPU JKK+JKM on a declared income of Rp 1,000,000 =
Rp 16,800 a month, priced by the contribution engine) for a number of months to up to
``target_count`` workers of an area; its eligibility and priority rules are data on the row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager


class FunderKind(models.TextChoices):
    APBD_PROVINCE = "apbd_province", _("Provincial budget (APBD provinsi)")
    APBD_REGENCY = "apbd_regency", _("Regency/city budget (APBD kabupaten/kota)")
    APBDES = "apbdes", _("Village own budget (APBDes)")
    DANA_DESA = "dana_desa", _("Village fund (Dana Desa)")
    DBH_SAWIT = "dbh_sawit", _("Palm-oil revenue sharing (DBH sawit)")
    BAZNAS = "baznas", _("Zakat (BAZNAS)")
    CSR = "csr", _("Company CSR")
    INDIVIDUAL = "individual", _("Individual donor")


# The payer as the contribution engine's discount rules name it (discounts.csv
# ``excluded_funders``): PP 50/2025 does not apply when APBN or APBD pays (docs/domain.md §5.4).
# Dana Desa is transferred from the APBN; DBH sawit reaches programmes through the APBD.
ENGINE_FUNDER = {
    FunderKind.APBD_PROVINCE: "apbd",
    FunderKind.APBD_REGENCY: "apbd",
    FunderKind.DBH_SAWIT: "apbd",
    FunderKind.DANA_DESA: "apbn",
    FunderKind.APBDES: "apbdes",
    FunderKind.BAZNAS: "baznas",
    FunderKind.CSR: "csr",
    FunderKind.INDIVIDUAL: "individual",
}


class Funder(RegionCodes):
    """Who pays: a government budget, a village, BAZNAS, a company or a person, tied to its
    organisation in Lindung (its staff act for it) and to its region."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=13, choices=FunderKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funders",
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    scope_owner_path = "organisation_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="uniq_funder")]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_note(self) -> str:
        """The kind's label for a page beside the name, or "" when the name already says it
        ("Pemprov Lampung (DBH sawit)" is not followed by "(DBH sawit)" again)."""
        label = str(self.get_kind_display())
        short = label[label.rfind("(") + 1 : -1] if label.endswith(")") else label
        name = self.name.casefold()
        return "" if label.casefold() in name or short.casefold() in name else label


class FundingSourceYear(models.Model):
    """Legal reviewers enable a contested funding source for one fiscal year (docs/domain.md §5.1:
    sources disagree on whether Dana Desa may pay contributions)."""

    kind = models.CharField(max_length=13, choices=FunderKind.choices)
    year = models.PositiveSmallIntegerField()
    enabled = models.BooleanField(default=False)
    legal_basis = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "year"]
        verbose_name = _("funding source year")
        verbose_name_plural = _("funding source years")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="uniq_funding_source_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {'on' if self.enabled else 'off'}"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SELECTING = "selecting", _("Selecting beneficiaries")
    ENROLLED = "enrolled", _("Enrolled")
    PAYING = "paying", _("Paying")
    CLOSED = "closed", _("Closed")


class PriorityRule(models.TextChoices):
    POOREST_FIRST = "poorest_first", _("Poorest first (welfare decile)")
    OCCUPATIONAL_RISK = "occupational_risk", _("Riskiest occupations first")
    VILLAGE_QUOTA = "village_quota", _("At most a quota per village")


class Programme(RegionCodes):
    """One funder's programme for one fiscal year; region columns follow its target area."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(max_length=200)
    fiscal_year = models.PositiveSmallIntegerField()
    budget = models.BigIntegerField(help_text=_("Rupiah"))
    # Package, priced by the contribution engine when the programme is saved.
    declared_income = models.BigIntegerField(default=1_000_000, help_text=_("Rupiah a month"))
    jkk = models.BooleanField(default=True)
    jkm = models.BooleanField(default=True)
    jht = models.BooleanField(default=False)
    monthly_premium = models.BigIntegerField(help_text=_("Rupiah per person per month"))
    premium_rules = models.TextField(blank=True, help_text=_("Rule ids the price came from"))
    start_month = models.DateField(help_text=_("First funded month (first day)"))
    funded_months = models.PositiveSmallIntegerField()
    target_count = models.PositiveIntegerField()
    area = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=9, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    # Eligibility (issue 6 item 2), applied by the selection run.
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    occupations = models.TextField(blank=True, help_text=_("Comma-separated; empty = any"))
    max_welfare_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    domicile_in_area = models.BooleanField(default=True)
    exclude_active_participants = models.BooleanField(default=True)
    exclude_other_programmes = models.BooleanField(default=True)
    priority_rules = models.CharField(
        max_length=120, blank=True, help_text=_("Comma-separated, in order of precedence")
    )
    village_quota = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_owner_path = "funder__organisation_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-fiscal_year", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "fiscal_year", "name"], name="uniq_programme"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_nonneg"),
            models.CheckConstraint(
                condition=Q(funded_months__gte=1, funded_months__lte=12),
                name="programme_months_1_12",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="programme_age_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.fiscal_year})"

    @property
    def priority_rule_labels(self) -> list[str]:
        """The priority rules by their labels, in order of precedence."""
        labels = dict(PriorityRule.choices)
        codes = [c.strip() for c in self.priority_rules.split(",") if c.strip()]
        return [str(labels.get(c, c)) for c in codes]

    @property
    def occupation_list(self) -> list[str]:
        return [o.strip() for o in self.occupations.split(",") if o.strip()]

    @property
    def planned_cost(self) -> int:
        """Target persons × funded months × monthly premium, in Rupiah."""
        return self.target_count * self.funded_months * self.monthly_premium


class Candidate(RegionCodes):
    """A person of a social-registry list (DTSEN/DTKS/P3KE-like) who may be selected for a
    programme. Personal data (UU PDP): masked wherever shown, like registry persons."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk = models.CharField(_("family card number (KK)"), max_length=16, blank=True)
    name = models.CharField(max_length=150)
    sex = models.CharField(max_length=1)
    birth_date = models.DateField()
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    occupation = models.CharField(max_length=100, blank=True)
    welfare_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("1 = poorest tenth of households")
    )
    source = models.CharField(max_length=40, help_text=_("Registry list, e.g. DTSEN 2025"))
    nik_warnings = models.CharField(max_length=200, blank=True)
    # The registry person with the same NIK, linked by ``services.links`` so that a selection
    # finds BPJS participants by a key instead of matching every NIK against the registry.
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["nik"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.CheckConstraint(
                condition=Q(welfare_decile__isnull=True)
                | Q(welfare_decile__gte=1, welfare_decile__lte=10),
                name="candidate_decile_1_10",
            )
        ]

    def __str__(self) -> str:
        from lindung.core.nik import mask_nik

        return mask_nik(self.nik)


class CandidateLinks(models.Model):
    """How far ``services.links`` has matched candidates with registry persons: every
    candidate up to ``candidates_through`` has been looked up among all persons, and every
    unlinked one among the persons up to ``persons_through``. One row."""

    candidates_through = models.BigIntegerField(default=0)
    persons_through = models.BigIntegerField(default=0)
    linked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"candidates ≤ {self.candidates_through}, persons ≤ {self.persons_through}"
