"""Employers, persons and their memberships (participation intervals) — docs/domain.md §1, §2.5,
§8."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class EmployerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive (not paying)")
    CLOSED = "closed", _("Closed")


class Employer(RegionCodes):
    """A company registered with BPJS Ketenagakerjaan, keyed by its NPP."""

    npp = models.CharField(_("NPP"), max_length=20, unique=True)
    name = models.CharField(max_length=200)
    nib = models.CharField(_("NIB"), max_length=20, blank=True)
    kbli = models.CharField(_("KBLI sector"), max_length=5, blank=True, db_index=True)
    size_class = models.CharField(max_length=6, choices=SizeClass.choices, blank=True)
    risk_class = models.PositiveSmallIntegerField(
        _("JKK risk class"), null=True, blank=True, help_text=_("1 (very low) to 5 (very high)")
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="employers"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=EmployerStatus.choices, default=EmployerStatus.ACTIVE
    )
    registered_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employers",
        help_text=_("The employer's own organisation in Lindung, for its staff's access"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_owner_path = "owner_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["npp"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        # The compliance checks ask, per business of the OSS registry, whether a not-closed
        # employer holds its NIB: without this index each ask scans every employer.
        indexes = [*RegionCodes.Meta.indexes, models.Index(fields=["nib"], name="employer_nib")]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_class__isnull=True) | Q(risk_class__gte=1, risk_class__lte=5),
                name="employer_risk_class_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.npp} {self.name}"


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(RegionCodes):
    """One human, keyed by NIK; region columns follow the domicile village."""

    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(max_length=150)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()
    # No index of its own: rows are found by the region columns, and regions are deactivated,
    # never deleted (every index costs a million-row import seconds; docs/benchmarks.md).
    domicile = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    occupation = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    # Disagreements between the NIK and the stated data (docs/domain.md §8.1), kept as warnings.
    nik_warnings = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["nik"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        # A constraint rather than ``unique=True``: the NIK is searched whole, so PostgreSQL
        # needs no second (LIKE-prefix) index beside the unique one.
        constraints = [models.UniqueConstraint(fields=["nik"], name="registry_person_nik_key")]
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["updated_at"], name="person_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.nik[:4]}… {self.name[:1]}."  # never the full NIK in logs or reprs


class Segment(models.TextChoices):
    PU = "PU", _("Wage earner (PU)")
    BPU = "BPU", _("Non-wage earner (BPU)")
    JAKON = "JAKON", _("Construction (Jakon)")
    PMI = "PMI", _("Migrant worker (PMI)")


class Funding(models.TextChoices):
    SELF = "self", _("Self-paid")
    EMPLOYER = "employer", _("Employer")
    PROGRAMME = "programme", _("Subsidy programme")


PROGRAMMES = ("jkk", "jkm", "jht", "jp", "jkp")


class Membership(RegionCodes):
    """One participation interval: active on day D when start_date <= D < end_date (or open).

    Region columns follow the work region. Coverage counts distinct persons, never rows: a person
    can be PU and BPU at once.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    segment = models.CharField(max_length=5, choices=Segment.choices)
    kpj = models.CharField(_("KPJ card number"), max_length=20)
    jkk = models.BooleanField(_("JKK"), default=True)
    jkm = models.BooleanField(_("JKM"), default=True)
    jht = models.BooleanField(_("JHT"), default=False)
    jp = models.BooleanField(_("JP"), default=False)
    jkp = models.BooleanField(_("JKP"), default=False)
    wage = models.BigIntegerField(
        help_text=_("Reported wage (PU) or declared income (BPU), Rupiah per month")
    )
    # Not indexed, as Person.domicile: scope and group-bys read the region columns.
    work_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=60, blank=True)
    funding = models.CharField(max_length=9, choices=Funding.choices, default=Funding.SELF)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["person_id", "start_date"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["kpj", "start_date"], name="uniq_membership_kpj_start"),
            models.CheckConstraint(condition=Q(wage__gte=0), name="membership_wage_nonneg"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["start_date", "end_date"], name="membership_interval"),
            # "What changed since" (coverage.services.months_touched_since) without a scan.
            models.Index(fields=["updated_at"], name="membership_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.kpj} {self.segment} {self.start_date}"
