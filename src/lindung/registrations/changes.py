"""What an employer reports about one of its active workers for the branch to apply: a new monthly
wage from a month on, or the worker's exit (docs/domain.md §13.1). A report checks the
capability and that the worker is the firm's, runs in one durable transaction and records a typed
audit event (the KPJ masked, never the NIK or the name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.core.audit import acting_user, record_audit
from lindung.core.i18n import bilingual
from lindung.core.months import add_months
from lindung.core.permissions import acting, require_capability
from lindung.core.roles import Capability
from lindung.registrations.audit import WorkerChangeAudit
from lindung.registrations.employer_selectors import owns
from lindung.registrations.models import (
    OPEN_CHANGE_STATUSES,
    ChangeKind,
    WorkerChange,
)
from lindung.registry.masking import mask_kpj
from lindung.registry.models import Membership

# How far ahead a change may be reported (months).
AHEAD_MONTHS = 12
REASON_MAX = 60


class ChangeError(Exception):
    """A change that cannot be reported (bilingual reason)."""


def _active_today(membership: Membership, today: dt.date) -> bool:
    return membership.start_date <= today and (
        membership.end_date is None or membership.end_date > today
    )


def report_change(
    *,
    actor: Any,
    membership: Membership,
    kind: str,
    new_wage: int | None = None,
    effective_month: dt.date | None = None,
    exit_date: dt.date | None = None,
    reason: str = "",
) -> WorkerChange:
    """Record a wage change (``new_wage`` from ``effective_month``) or an exit (on
    ``exit_date``, for ``reason``) of an active worker of the actor's own firm. Raises
    ``PermissionDenied`` for someone else's worker, ``ChangeError`` for a change that cannot
    be (the same wage, a month before the membership, a second open change of the kind…)."""
    require_capability(actor, Capability.REGISTER_WORKERS)
    user = acting(actor)
    employer = membership.employer
    if not owns(user, employer):
        raise PermissionDenied
    today = timezone.localdate()
    if not _active_today(membership, today):
        raise ChangeError(
            bilingual("pekerja ini tidak aktif hari ini", "this worker is not active today")
        )
    change = WorkerChange(
        employer=employer,
        membership=membership,
        kind=kind,
        previous_wage=membership.wage,
        requested_by=acting_user(actor),
    )
    if kind == ChangeKind.WAGE:
        _check_wage(change, membership, new_wage, effective_month, today)
    elif kind == ChangeKind.EXIT:
        _check_exit(change, membership, exit_date, reason, today)
    else:
        raise ChangeError(bilingual("jenis perubahan tidak dikenal", "unknown kind of change"))
    if WorkerChange.objects.filter(
        membership=membership, kind=kind, status__in=OPEN_CHANGE_STATUSES
    ).exists():
        raise ChangeError(_already_open())
    change.assign_region_codes(membership.work_region_id)
    try:
        with transaction.atomic(durable=True):
            change.save()
            _audit(actor, change, membership)
    except IntegrityError:  # a concurrent report of the same kind won
        raise ChangeError(_already_open()) from None
    return change


def _already_open() -> str:
    return bilingual(
        "perubahan yang sama untuk pekerja ini sedang diproses",
        "the same change for this worker is already being processed",
    )


def _check_wage(
    change: WorkerChange,
    membership: Membership,
    new_wage: int | None,
    month: dt.date | None,
    today: dt.date,
) -> None:
    if new_wage is None or new_wage <= 0:
        raise ChangeError(bilingual("upah baru harus lebih dari 0", "the new wage must be over 0"))
    if new_wage == membership.wage:
        raise ChangeError(
            bilingual("upah baru sama dengan upah sekarang", "the new wage equals the current one")
        )
    if month is None:
        raise ChangeError(bilingual("bulan berlaku diperlukan", "the month it applies from"))
    month = month.replace(day=1)
    if month < membership.start_date.replace(day=1) or month > add_months(today, AHEAD_MONTHS):
        raise ChangeError(
            bilingual(
                f"bulan berlaku harus antara awal kepesertaan dan {AHEAD_MONTHS} bulan ke depan",
                f"the month must be between the start of the membership and {AHEAD_MONTHS} "
                "months ahead",
            )
        )
    change.new_wage, change.effective_month = new_wage, month


def _check_exit(
    change: WorkerChange,
    membership: Membership,
    exit_date: dt.date | None,
    reason: str,
    today: dt.date,
) -> None:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ChangeError(bilingual("alasan keluar diperlukan", "a reason for the exit is needed"))
    if len(reason) > REASON_MAX:
        raise ChangeError(
            bilingual(
                f"alasan paling banyak {REASON_MAX} karakter",
                f"the reason has at most {REASON_MAX} characters",
            )
        )
    if exit_date is None:
        raise ChangeError(bilingual("tanggal keluar diperlukan", "the exit date is needed"))
    if exit_date <= membership.start_date or exit_date >= add_months(today, AHEAD_MONTHS):
        raise ChangeError(
            bilingual(
                f"tanggal keluar harus setelah awal kepesertaan dan dalam {AHEAD_MONTHS} bulan",
                f"the exit date must be after the start of the membership and within "
                f"{AHEAD_MONTHS} months",
            )
        )
    change.exit_date, change.reason = exit_date, reason


def _audit(actor: Any, change: WorkerChange, membership: Membership) -> None:
    after: dict[str, Any] = {
        "membership": membership.pk,
        "kpj": mask_kpj(membership.kpj),
        "employer": change.employer_id,
        "kind": change.kind,
        "status": change.status,
    }
    if change.kind == ChangeKind.WAGE:
        after["effective_month"] = change.effective_month
        action = WorkerChangeAudit.WAGE
    else:
        after.update(exit_date=change.exit_date, reason=change.reason)
        action = WorkerChangeAudit.EXIT
    record_audit(
        actor=actor,
        action=action,
        target=change,
        region_code=change.village_code or membership.work_region_id,
        after=after,
    )
