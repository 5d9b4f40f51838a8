"""Reading registration requests: officers and village operators see those of their area,
employers those of their own firm, the branch all of its area; the public status page finds one
by its reference and the person's birth date, nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lindung.compliance.responses import EmployerResponse, ResponseRow
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability, Role
from lindung.core.scope import actor_scope
from lindung.registrations.models import OPEN_STATUSES, Handoff, Registration, Status

# The case page lists the oldest open requests; the count says how many more there are.
RESPONSE_ROWS_SHOWN = 20


def registrations_for(user: Any) -> QuerySet[Registration]:
    """The requests ``user`` may read: an employer's own firm's, else those of the user's
    region scope (nothing without a registration capability)."""
    if not (
        has_capability(user, Capability.REGISTER_WORKERS)
        or has_capability(user, Capability.PROCESS_REGISTRATIONS)
    ):
        return Registration.objects.none()
    if getattr(user, "role", "") == Role.EMPLOYER:
        owner = getattr(user, "organisation_id", None)
        if owner is None:
            return Registration.objects.none()
        return Registration.objects.filter(employer__owner_id=owner)
    return Registration.objects.for_actor(user)


FUNNEL_CAPABILITIES = (
    Capability.VIEW_COVERAGE,
    Capability.REGISTER_WORKERS,
    Capability.PROCESS_REGISTRATIONS,
)


def may_see_funnel(user: Any) -> bool:
    return any(has_capability(user, c) for c in FUNNEL_CAPABILITIES)


def counted_for(user: Any) -> QuerySet[Registration]:
    """The requests the funnel counts for ``user``: those of their region scope for coverage
    readers (aggregates only), else the ones they may read."""
    if has_capability(user, Capability.VIEW_COVERAGE):
        return Registration.objects.for_actor(user)
    return registrations_for(user)


def registration_for(user: Any, pk: int) -> Registration:
    try:
        return registrations_for(user).select_related("village", "employer").get(pk=pk)
    except Registration.DoesNotExist:
        raise Http404(pk) from None


def by_reference(reference: str, birth_date: dt.date) -> Registration | None:
    """The request with this reference whose person was born on ``birth_date``; None for any
    mismatch (the caller answers the same either way)."""
    cleaned = "".join(reference.upper().split())
    if len(cleaned) > 14:
        return None
    return (
        Registration.objects.filter(Q(reference=cleaned), birth_date=birth_date)
        .select_related("village")
        .first()
    )


def in_scope(user: Any, code: str) -> bool:
    return actor_scope(user).covers_region(code)


def handoffs_for(user: Any) -> QuerySet[Handoff]:
    """The hand-offs of the programmes' staff's area (nothing for anyone else)."""
    if not has_capability(user, Capability.MANAGE_PROGRAMMES):
        return Handoff.objects.none()
    return Handoff.objects.for_actor(user).select_related("programme", "candidate", "registration")


def handoff_for(user: Any, pk: int) -> Handoff:
    try:
        return handoffs_for(user).get(pk=pk)
    except Handoff.DoesNotExist:
        raise Http404(pk) from None


def employer_response(user: Any, employer_ids: Sequence[int], since: dt.date) -> EmployerResponse:
    """What a compliance case shows as its employer's answer (``compliance.responses``): the
    open requests and the count decided since the case opened, within ``user``'s region scope
    (a compliance officer reads counts and references, never who)."""
    rows = Registration.objects.for_actor(user).filter(employer_id__in=employer_ids)
    decided = rows.filter(decided_at__date__gte=since)
    open_rows = rows.filter(status__in=OPEN_STATUSES).order_by("submitted_at", "pk")
    return EmployerResponse(
        open_count=open_rows.count(),
        confirmed_since_opened=decided.filter(status=Status.CONFIRMED).count(),
        rejected_since_opened=decided.filter(status=Status.REJECTED).count(),
        open_rows=[
            ResponseRow(
                reference=r.reference,
                status=r.status,
                status_label=str(r.get_status_display()),
                submitted_on=timezone.localdate(r.submitted_at),
                first_month=r.first_month,
            )
            for r in open_rows[:RESPONSE_ROWS_SHOWN]
        ],
    )
