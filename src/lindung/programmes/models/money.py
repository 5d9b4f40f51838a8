"""Enrolment of beneficiaries at the BPJS branch and the money side of a programme (issue 6
item 5): invoices priced by the contribution engine and payments against them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import ScopedManager


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("Sent to the branch, not yet confirmed")
    ACCEPTED = "accepted", _("Registered by the branch")
    REJECTED = "rejected", _("Rejected by the branch")


class Enrolment(models.Model):
    """One beneficiary of an approved run on its way to a BPJS membership."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="enrolments"
    )
    run = models.ForeignKey("programmes.SelectionRun", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        "programmes.Candidate", on_delete=models.PROTECT, related_name="enrolments"
    )
    nik = models.CharField(max_length=16)
    status = models.CharField(
        max_length=8, choices=EnrolmentStatus.choices, default=EnrolmentStatus.PENDING
    )
    kpj = models.CharField(_("KPJ card number"), max_length=20, blank=True)
    start_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True, help_text=_("The branch's reason"))
    membership = models.OneToOneField(
        "registry.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolment",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The invoice that bills this beneficiary, so each accepted person is billed exactly once.
    invoice = models.ForeignKey(
        "programmes.ProgrammeInvoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )

    scope_region_path = "candidate__"
    scope_owner_path = "programme__funder__organisation_id"
    objects = ScopedManager()

    class Meta:
        ordering = ["programme_id", "nik"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "nik"], name="uniq_enrolment"),
        ]

    def __str__(self) -> str:
        return f"{self.nik[:4]}… {self.status}"  # never the full NIK in logs or reprs


class ProgrammeInvoice(models.Model):
    """The branch's bill to the funder: persons × monthly premium × months, paid in advance
    for the funded period (docs/domain.md §5.4)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.CharField(max_length=40, unique=True)
    issued_on = models.DateField()
    due_on = models.DateField()
    persons = models.PositiveIntegerField()
    months = models.PositiveSmallIntegerField()
    monthly_premium = models.BigIntegerField(help_text=_("Rupiah per person per month"))
    amount = models.BigIntegerField(help_text=_("Rupiah"))
    premium_rules = models.TextField(blank=True)

    scope_region_path = "programme__"
    scope_owner_path = "programme__funder__organisation_id"
    objects = ScopedManager()

    class Meta:
        ordering = ["programme_id", "issued_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="programme_invoice_nonneg"),
        ]

    def __str__(self) -> str:
        return self.number


class ProgrammePayment(models.Model):
    invoice = models.ForeignKey(ProgrammeInvoice, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField()
    amount = models.BigIntegerField(help_text=_("Rupiah"))
    reference = models.CharField(max_length=80, blank=True)

    scope_region_path = "invoice__programme__"
    scope_owner_path = "invoice__programme__funder__organisation_id"
    objects = ScopedManager()

    class Meta:
        ordering = ["invoice_id", "paid_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="programme_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.paid_on} Rp {self.amount:,}"
