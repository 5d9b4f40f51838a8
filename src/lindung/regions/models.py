"""Kemendagri region tree, BPS crosswalk, worker-population denominators and minimum wages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency/city")
    DISTRICT = "district", _("District")
    VILLAGE = "village", _("Village")


class Kind(models.TextChoices):
    """Administrative kind: docs/domain.md §8.3 (kota 71–99; village suffix 1 = kelurahan, 2 =
    desa)."""

    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")
    KOTA = "kota", _("City (kota)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA = "desa", _("Rural village (desa)")
    LAINNYA = "lainnya", _("Other")


class Confidence(models.TextChoices):
    """docs/domain.md marks facts ✔ confirmed, ◐ one source, ✖ unconfirmed."""

    CONFIRMED = "confirmed", _("Confirmed")
    SINGLE_SOURCE = "single_source", _("Single source")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")


class Region(RegionCodes):
    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Codes are reissued (Kepmendagri lists); a code dropped from the list is kept, not deleted,
    # because records may still point at it.
    is_active = models.BooleanField(default=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegionBoundary(models.Model):
    """A polygon per region as GeoJSON text (WGS84), served without re-parsing."""

    region = models.OneToOneField(
        Region, primary_key=True, on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.TextField()
    centroid_lat = models.FloatField()
    centroid_lng = models.FloatField()
    area_km2 = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=200)

    scope_region_path = "region__"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("region boundary")
        verbose_name_plural = _("region boundaries")

    def __str__(self) -> str:
        return f"{self.region_id} boundary"


class BpsCode(models.Model):
    """BPS code of a Kemendagri region: the two numberings differ (docs/domain.md §8.4)."""

    region = models.OneToOneField(
        Region, primary_key=True, on_delete=models.CASCADE, related_name="bps"
    )
    bps_code = models.CharField(max_length=10, db_index=True)
    name_bps = models.CharField(max_length=120)
    match = models.CharField(max_length=80, help_text=_("How the names were matched"))

    scope_region_path = "region__"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("BPS code")
        verbose_name_plural = _("BPS codes")

    def __str__(self) -> str:
        return f"{self.region_id} ↔ {self.bps_code}"


class PopulationKind(models.Model):
    """A kind of worker population usable as a coverage denominator (docs/domain.md §7.1)."""

    code = models.SlugField(max_length=60, primary_key=True)
    name_id = models.CharField(max_length=150)
    name_en = models.CharField(max_length=150)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("population kind")
        verbose_name_plural = _("population kinds")

    def __str__(self) -> str:
        return self.code


class SourceKind(models.TextChoices):
    """What a population figure is: a figure an office published, an estimate (e.g. a
    projection or a split made by an office), or synthetic demo data that must say so."""

    PUBLISHED = "published", _("Published figure")
    ESTIMATE = "estimate", _("Estimate")
    SYNTHETIC = "synthetic", _("Synthetic (demo data)")


class WorkerPopulation(RegionCodes):
    """One figure: region × kind × reference date, with the source it came from and what kind of
    source that is. Below the regency the figures come from imported files (import kind
    ``region_populations``, docs/data-formats.md), e.g. Dukcapil's population by village."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="populations")
    kind = models.ForeignKey(PopulationKind, on_delete=models.PROTECT, related_name="figures")
    reference_date = models.DateField()
    value = models.BigIntegerField()
    source = models.TextField()
    indicator = models.CharField(
        max_length=80, blank=True, help_text=_("Indicator name in the source file")
    )
    source_kind = models.CharField(
        max_length=10, choices=SourceKind.choices, default=SourceKind.PUBLISHED
    )
    url = models.URLField(max_length=500, blank=True, help_text=_("Where the source can be read"))

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["region_id", "kind_id", "reference_date"]
        verbose_name = _("worker population")
        verbose_name_plural = _("worker populations")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "reference_date"], name="uniq_population_point"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="population_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.kind_id} {self.reference_date}: {self.value}"


class PopulationBand(RegionCodes):
    """The detail of an imported figure by age band and/or sex (``age_band`` "15-19", "65+";
    ``sex`` M or F; blank = every age / both sexes). The total itself is a
    :class:`WorkerPopulation` row, given by the file or summed from these rows."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="population_bands")
    kind = models.ForeignKey(PopulationKind, on_delete=models.PROTECT, related_name="bands")
    reference_date = models.DateField()
    age_band = models.CharField(max_length=7, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    value = models.BigIntegerField()
    source = models.TextField()
    source_kind = models.CharField(
        max_length=10, choices=SourceKind.choices, default=SourceKind.PUBLISHED
    )

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["region_id", "kind_id", "reference_date", "age_band", "sex"]
        verbose_name = _("population by age band and sex")
        verbose_name_plural = _("populations by age band and sex")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "reference_date", "age_band", "sex"],
                name="uniq_population_band",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="population_band_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.kind_id} {self.reference_date} {self.age_band}{self.sex}"


class WageKind(models.TextChoices):
    UMP = "UMP", _("Provincial minimum wage (UMP)")
    UMK = "UMK", _("Regency/city minimum wage (UMK)")


class MinimumWage(RegionCodes):
    """UMP/UMK in integer Rupiah, valid from ``effective_from`` (usually 1 January of ``year``)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="minimum_wages")
    kind = models.CharField(max_length=3, choices=WageKind.choices)
    year = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField(help_text=_("Rupiah per month"))
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    legal_basis = models.CharField(max_length=200, blank=True)
    source = models.TextField()
    confidence = models.CharField(
        max_length=15, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["region_id", "kind", "year"]
        verbose_name = _("minimum wage")
        verbose_name_plural = _("minimum wages")
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "year"], name="uniq_minimum_wage"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="minimum_wage_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.region_id} {self.year}: Rp {self.amount:,}"
