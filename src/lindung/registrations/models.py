"""A registration request and the consent given with it (docs/domain.md §13.1, §9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.scope import RegionCodes, ScopedManager


class Channel(models.TextChoices):
    EMPLOYER = "employer", _("Employer portal")
    SELF = "self", _("Self-registration")
    VILLAGE = "village", _("Village operator")
    OFFICER = "officer", _("Officer on the person's behalf")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted (awaiting an officer's check)")
    CHECKED = "checked", _("Checked, ready for the branch")
    SENT = "sent", _("Sent to the branch")
    CONFIRMED = "confirmed", _("Confirmed by the branch")
    REJECTED = "rejected", _("Rejected by the branch")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (Status.SUBMITTED, Status.CHECKED, Status.SENT)


class Payer(models.TextChoices):
    SELF = "self", _("The worker pays")
    EMPLOYER = "employer", _("The employer pays")
    HELP = "help", _("Asks for help (a programme or sponsor may pay)")
    GOVERNMENT = "government", _("The paying government body (APBD, APBDes, Dana Desa)")


class Registration(RegionCodes):
    """One person's registration in one segment, from submission to the branch's answer. Region
    columns follow the domicile village (the village operator's and officers' scope)."""

    reference = models.CharField(max_length=14, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    segment = models.CharField(max_length=5)  # registry.Segment: PU or BPU
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(max_length=150)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    occupation = models.CharField(max_length=100, blank=True)
    # PU: the monthly wage; BPU: the declared monthly income (integer Rupiah).
    wage = models.BigIntegerField()
    programmes = models.CharField(max_length=30)  # "JKK JKM JHT"
    first_month = models.DateField()
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer = models.CharField(max_length=10, choices=Payer.choices)
    monthly_contribution = models.BigIntegerField(help_text=_("Priced at submission (Rupiah)"))
    warnings = models.JSONField(default=list, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kpj = models.CharField(max_length=20, blank=True)
    membership = models.ForeignKey(
        "registry.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch_reason = models.CharField(max_length=300, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("registration request")
        verbose_name_plural = _("registration requests")
        constraints = [
            # One open request per person and segment (a second is refused at submission; the
            # index settles a race between two).
            models.UniqueConstraint(
                fields=["nik", "segment"],
                condition=models.Q(status__in=["submitted", "checked", "sent"]),
                name="registrations_one_open_per_nik_segment",
            )
        ]
        indexes = [
            *RegionCodes.Meta.indexes,
            models.Index(fields=["status", "channel"], name="registrations_status_channel"),
        ]

    def __str__(self) -> str:
        return self.reference  # never the NIK or the name in logs or reprs

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Consent(models.Model):
    """The consent a person gave with a request (UU 27/2022; docs/domain.md §9): its purpose,
    the version of the text they read, and when."""

    request = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="consent")
    purpose = models.CharField(max_length=200)
    text_version = models.CharField(max_length=20)
    given_at = models.DateTimeField()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.request_id} {self.text_version}"


class ChangeKind(models.TextChoices):
    WAGE = "wage", _("Wage change")
    EXIT = "exit", _("Exit (the worker leaves)")


class ChangeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted (awaiting the branch)")
    SENT = "sent", _("Sent to the branch")
    CONFIRMED = "confirmed", _("Confirmed by the branch")


OPEN_CHANGE_STATUSES = (ChangeStatus.SUBMITTED, ChangeStatus.SENT)


class WorkerChange(RegionCodes):
    """A change an employer reports for one of its active workers, for the branch to apply: a
    new monthly wage from a month on, or the worker's exit (the membership ends on
    ``exit_date``: active while day < exit_date). Region columns follow the membership's work
    region."""

    employer = models.ForeignKey("registry.Employer", on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        "registry.Membership", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=5, choices=ChangeKind.choices)
    status = models.CharField(
        max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.SUBMITTED
    )
    # The wage the membership had when the change was reported (integer Rupiah).
    previous_wage = models.BigIntegerField()
    # Wage: the new monthly wage and the first month it is paid.
    new_wage = models.BigIntegerField(null=True, blank=True)
    effective_month = models.DateField(null=True, blank=True)
    # Exit: the day the membership ends, and why (Membership.end_reason).
    exit_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=60, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_owner_path = "employer__owner_id"
    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("worker change")
        verbose_name_plural = _("worker changes")
        constraints = [
            # One open change of a kind per membership (a second is refused when reported; the
            # index settles a race between two).
            models.UniqueConstraint(
                fields=["membership", "kind"],
                condition=models.Q(status__in=["submitted", "sent"]),
                name="registrations_one_open_change_per_kind",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="wage",
                        new_wage__isnull=False,
                        new_wage__gte=0,
                        effective_month__isnull=False,
                    )
                    | models.Q(kind="exit", exit_date__isnull=False)
                ),
                name="registrations_change_has_its_values",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.membership_id}"  # never the NIK or the name


class HandoffChoice(models.TextChoices):
    OFFERED = "offered", _("Offered, no answer yet")
    SELF_PAY = "self_pay", _("Pays on their own (a registration request)")
    PLEDGE = "pledge", _("Into the CSR or donor matching pool")
    NEXT_PROGRAMME = "next_programme", _("The funder's next programme")
    DECLINED = "declined", _("Declined")


class Handoff(RegionCodes):
    """The continuation offered to a worker whose programme funding ends within 30 days
    (docs/domain.md §13.3: short subsidies lose most workers when they end): what they chose.
    Region columns follow the candidate's village."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+"
    )
    candidate = models.ForeignKey(
        "programmes.Candidate", on_delete=models.CASCADE, related_name="+"
    )
    funding_ends = models.DateField()
    offered_at = models.DateTimeField(auto_now_add=True)
    told_by_sms = models.BooleanField(default=False)
    choice = models.CharField(
        max_length=15, choices=HandoffChoice.choices, default=HandoffChoice.OFFERED
    )
    chosen_at = models.DateTimeField(null=True, blank=True)
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta(RegionCodes.Meta):
        ordering = ["funding_ends", "id"]
        verbose_name = _("funding hand-off")
        verbose_name_plural = _("funding hand-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "candidate"], name="registrations_one_handoff"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.candidate_id}"
