from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.roles import Role
from lindung.core.scope import RegionCodes, ScopedManager


class OrganisationKind(models.TextChoices):
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial manpower office")
    REGENCY_OFFICE = "regency_office", _("Regency/city manpower office")
    VILLAGE = "village", _("Village government")
    BPJS_BRANCH = "bpjs_branch", _("BPJS Ketenagakerjaan branch")
    EMPLOYER = "employer", _("Employer")
    SPONSOR = "sponsor", _("CSR sponsor / donor")
    AWARD_JURY = "award_jury", _("Award jury")
    OTHER = "other", _("Other")


class Organisation(RegionCodes):
    """An office, village, branch, company or jury that users act for."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text=_("Where the organisation sits"),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Region staff see organisations in their region; every member sees their own organisation.
    scope_owner_path = "id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="uniq_organisation_name_kind")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in, with one role and the regions that role applies to."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EMPLOYER)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    scope_regions = models.ManyToManyField(
        "regions.Region",
        blank=True,
        related_name="+",
        help_text=_("Regions whose records this user may see (region roles only)"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def scope_region_codes(self) -> list[str]:
        return list(self.scope_regions.values_list("code", flat=True))
