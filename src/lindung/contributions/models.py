"""Contribution rules as time-versioned data (docs/domain.md §2).

Every table carries ``rule_id`` (natural key), ``effective_from``/``effective_to`` (contribution
months, inclusive), ``legal_basis``, ``source`` (docs/domain.md section + source keys) and
``confidence`` (✔ confirmed, ◐ single source, ✖ unconfirmed). Money is integer Rupiah; rates are
Decimal **percent** values (``0.24`` means 0.24 % of the base).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager
from lindung.regions.models import Confidence
from lindung.registry.models import Segment

RATE_DIGITS = {"max_digits": 9, "decimal_places": 5}  # up to 9999.99999 %, down to 0.00001 %


class Programme(models.TextChoices):
    JKK = "JKK", _("Work accident (JKK)")
    JKM = "JKM", _("Death (JKM)")
    JHT = "JHT", _("Old-age savings (JHT)")
    JP = "JP", _("Pension (JP)")
    JKP = "JKP", _("Job loss (JKP)")


class Party(models.TextChoices):
    EMPLOYER = "employer", _("Employer (pemberi kerja)")
    WORKER = "worker", _("Worker (pekerja / peserta)")
    FUNDER = "funder", _("Funder (penyandang dana)")


# Rates are per registry segment: one list of segments for the whole system.
RateSegment = Segment


class RuleBase(models.Model):
    rule_id = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField(help_text=_("First contribution month (first day)"))
    effective_to = models.DateField(
        null=True, blank=True, help_text=_("Last day of the last contribution month; empty = open")
    )
    legal_basis = models.CharField(max_length=200)
    source = models.TextField(help_text=_("docs/domain.md section and source keys"))
    confidence = models.CharField(
        max_length=15, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["rule_id"]

    def __str__(self) -> str:
        return self.rule_id


def _interval_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
        name=name,
    )


class ProgrammeRate(RuleBase):
    """Percent-of-wage rates per programme and party (docs/domain.md §2.1, §2.5, §2.6)."""

    segment = models.CharField(max_length=5, choices=RateSegment.choices)
    programme = models.CharField(max_length=3, choices=Programme.choices)
    party = models.CharField(max_length=8, choices=Party.choices)
    risk_class = models.PositiveSmallIntegerField(null=True, blank=True)
    rate_percent = models.DecimalField(**RATE_DIGITS)

    class Meta(RuleBase.Meta):
        verbose_name = _("programme rate")
        verbose_name_plural = _("programme rates")
        constraints = [
            _interval_check("programmerate_interval"),
            models.CheckConstraint(
                condition=Q(risk_class__isnull=True) | Q(risk_class__gte=1, risk_class__lte=5),
                name="programmerate_risk_class_1_5",
            ),
        ]


class JpWageCap(RuleBase):
    """JP wage cap (batas upah tertinggi), new value from the March contribution month (§2.3)."""

    cap = models.BigIntegerField(help_text=_("Rupiah per month"))
    letter_refs = models.CharField(max_length=200, blank=True)

    class Meta(RuleBase.Meta):
        ordering = ["effective_from"]
        verbose_name = _("JP wage cap")
        verbose_name_plural = _("JP wage caps")
        constraints = [
            _interval_check("jpwagecap_interval"),
            models.CheckConstraint(condition=Q(cap__gt=0), name="jpwagecap_positive"),
        ]


class BpuIncomeBracket(RuleBase):
    """BPU declared-income brackets → nominal income for JKK/JHT (§2.5; table unknown, ✖).

    An actual income ``income_from <= income < income_to`` (open when empty) is declared at
    ``nominal_income``. Only the known ends are stored; edit rows as the annex is found.
    """

    income_from = models.BigIntegerField()
    income_to = models.BigIntegerField(null=True, blank=True)
    nominal_income = models.BigIntegerField()

    class Meta(RuleBase.Meta):
        ordering = ["income_from"]
        verbose_name = _("BPU income bracket")
        verbose_name_plural = _("BPU income brackets")
        constraints = [_interval_check("bpuincomebracket_interval")]


class FlatAmountKind(models.TextChoices):
    MONTHLY = "monthly", _("Per month")
    MINIMUM_PACKAGE = "minimum_package", _("Minimum monthly package (reference)")
    PRE_PLACEMENT = "pre_placement", _("Before placement (one-off)")
    PLACEMENT = "placement", _("During and after placement, per contract length")
    EXTRA_MONTH = "extra_month", _("Each month beyond the contract package")
    JHT_OPTION = "jht_option", _("Chosen monthly JHT amount")


class FlatAmount(RuleBase):
    """Fixed Rupiah contributions: BPU JKM, the BPU minimum package, PMI packages (§2.5, §2.7)."""

    segment = models.CharField(max_length=5, choices=RateSegment.choices)
    programmes = models.CharField(max_length=40, help_text=_("e.g. JKM or JKK+JKM"))
    kind = models.CharField(max_length=15, choices=FlatAmountKind.choices)
    contract_months = models.PositiveSmallIntegerField(null=True, blank=True)
    amount = models.BigIntegerField(help_text=_("Rupiah"))

    class Meta(RuleBase.Meta):
        verbose_name = _("flat contribution amount")
        verbose_name_plural = _("flat contribution amounts")
        constraints = [
            _interval_check("flatamount_interval"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="flatamount_nonneg"),
        ]


class JakonBracket(RuleBase):
    """Progressive (marginal) Jakon rates on contract value excl. VAT (§2.6, first set per §11).

    The slice is ``value_from < contract value <= value_to`` (open when empty).
    """

    programme = models.CharField(max_length=3, choices=Programme.choices)
    value_from = models.BigIntegerField()
    value_to = models.BigIntegerField(null=True, blank=True)
    rate_percent = models.DecimalField(**RATE_DIGITS)

    class Meta(RuleBase.Meta):
        ordering = ["programme", "value_from"]
        verbose_name = _("Jakon bracket")
        verbose_name_plural = _("Jakon brackets")
        constraints = [_interval_check("jakonbracket_interval")]


class DiscountKind(models.TextChoices):
    DISCOUNT = "discount", _("Discount (not owed)")
    DEFERRAL = "deferral", _("Deferral (owed later)")


class Discount(RuleBase):
    """Discounts and relaxations with their contribution months and eligibility (§2.2, §2.8).

    List columns are comma-separated; an empty list means "any". ``excluded_funders`` lists
    funder kinds for which the discount does not apply (PP 50/2025: apbn, apbd).
    """

    regulation = models.CharField(max_length=60)
    kind = models.CharField(max_length=8, choices=DiscountKind.choices)
    segments = models.CharField(max_length=40)
    programmes = models.CharField(max_length=40)
    percent_off = models.DecimalField(**RATE_DIGITS)
    industries = models.CharField(max_length=200, blank=True)
    occupations = models.CharField(max_length=200, blank=True)
    min_workers = models.PositiveIntegerField(null=True, blank=True)
    excluded_funders = models.CharField(max_length=100, blank=True)

    class Meta(RuleBase.Meta):
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")
        constraints = [_interval_check("discount_interval")]


class PaymentRuleKind(models.TextChoices):
    DUE_DATE = "due_date", _("Due date")
    LATE_FINE = "late_fine", _("Late fine")


class PaymentRule(RuleBase):
    """Due dates and late fines (§2.9, §2.8). Due day ``due_day`` of the contribution month plus
    ``due_month_offset`` months; fines are percent of the unpaid contribution per month late."""

    segment = models.CharField(max_length=5, choices=RateSegment.choices)
    kind = models.CharField(max_length=9, choices=PaymentRuleKind.choices)
    programmes = models.CharField(max_length=40)
    due_day = models.PositiveSmallIntegerField(null=True, blank=True)
    due_month_offset = models.PositiveSmallIntegerField(null=True, blank=True)
    fine_percent_per_month = models.DecimalField(**RATE_DIGITS, null=True, blank=True)
    next_working_day = models.BooleanField(
        default=False,
        help_text=_("A due date on a weekend or holiday moves to the next working day"),
    )

    class Meta(RuleBase.Meta):
        verbose_name = _("payment rule")
        verbose_name_plural = _("payment rules")
        constraints = [_interval_check("paymentrule_interval")]


class Holiday(RuleBase):
    """A national holiday or collective leave day (one day: ``effective_from`` =
    ``effective_to``). Listed per year by joint ministerial decree, so kept as data."""

    name = models.CharField(max_length=120)

    class Meta(RuleBase.Meta):
        ordering = ["effective_from"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [_interval_check("holiday_interval")]


# --- Monthly employer bills (issue "Contribution engine" item 3; contributions.bills.generate) ---


class BillStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")


class Bill(RegionCodes):
    """One employer's PU contributions for one contribution month (``month`` = its first day).

    Region columns follow the employer's village; employer staff see their own bills through
    ``scope_owner_path``. Lines and totals are written by ``bills.generate.generate_bills`` only.
    """

    employer = models.ForeignKey(
        "registry.Employer", on_delete=models.PROTECT, related_name="bills"
    )
    month = models.DateField(help_text=_("Contribution month (first day)"))
    due_date = models.DateField(null=True, blank=True)
    total = models.BigIntegerField(help_text=_("Rupiah, sum of the lines"))
    members = models.PositiveIntegerField(default=0, help_text=_("Active PU memberships"))
    status = models.CharField(max_length=7, choices=BillStatus.choices, default=BillStatus.OPEN)
    generated_at = models.DateTimeField()

    scope_owner_path = "employer__owner_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-month", "employer_id"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            models.UniqueConstraint(fields=["employer", "month"], name="uniq_bill_employer_month"),
            models.CheckConstraint(condition=Q(total__gte=0), name="bill_total_nonneg"),
        ]
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["month", "status"], name="bill_month_status"),
            models.Index(fields=["status", "due_date"], name="bill_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.month:%Y-%m}"


class BillLine(models.Model):
    """Sum over the employer's active memberships of one programme × party (each membership's
    amount rounded half-up to whole Rupiah before summing, as the calculator does)."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    programme = models.CharField(max_length=3, choices=Programme.choices)
    party = models.CharField(max_length=8, choices=Party.choices)
    amount = models.BigIntegerField(help_text=_("Rupiah"))
    members = models.PositiveIntegerField(default=0)
    rule_ids = models.TextField(blank=True, help_text=_("Comma-separated rule ids used"))

    scope_region_path = "bill__"
    scope_owner_path = "bill__employer__owner_id"
    objects = ScopedManager()

    class Meta:
        ordering = ["bill_id", "programme", "party"]
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")
        constraints = [
            models.UniqueConstraint(
                fields=["bill", "programme", "party"], name="uniq_billline_programme_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.party} {self.amount}"


class Payment(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField()
    amount = models.BigIntegerField(help_text=_("Rupiah"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_region_path = "bill__"
    scope_owner_path = "bill__employer__owner_id"
    objects = ScopedManager()

    class Meta:
        ordering = ["bill_id", "paid_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.paid_on} {self.amount}"
