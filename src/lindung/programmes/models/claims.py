"""Benefit claims paid to participants (issue 6 item 6), imported from the branch, so that an
outcome page can set benefits paid against premiums (docs/domain.md §3, §3.5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager


class ClaimType(models.TextChoices):
    JKK = "JKK", _("Work accident (JKK)")
    JKM = "JKM", _("Death (JKM)")
    JHT = "JHT", _("Old-age savings (JHT)")


class Claim(RegionCodes):
    """One benefit payment; region columns follow the person's domicile."""

    claim_number = models.CharField(max_length=40, unique=True)
    nik = models.CharField(max_length=16, db_index=True)
    kpj = models.CharField(max_length=20, blank=True)
    claim_type = models.CharField(max_length=3, choices=ClaimType.choices)
    event_date = models.DateField()
    paid_on = models.DateField()
    amount = models.BigIntegerField(help_text=_("Rupiah"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-paid_on", "claim_number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="claim_amount_nonneg"),
        ]
