"""Reads of the employer portal (docs/domain.md §13.1): the firms an employer user's organisation
owns, their active workers (read through the firm, since an employer sees no persons of its own
right), the firm's registration requests and reported changes, and the user's worker files.

Only an employer user reaches these: another role is refused (403) even with the capability to
register workers, and a firm, worker, change or file that is not the user's is "not found" (404),
so its existence stays hidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from lindung.core.models import ImportJob
from lindung.core.permissions import require_capability, user_role
from lindung.core.roles import Capability, Role
from lindung.registrations.models import OPEN_CHANGE_STATUSES, Registration, WorkerChange
from lindung.registrations.selectors import registrations_for
from lindung.registry.models import Employer, Membership
from lindung.registry.selectors import active_on

# The import kind of an employer's file of workers to register.
IMPORT_KIND = "employer-registrations"


def may_use_portal(user: Any) -> bool:
    return user_role(user) == Role.EMPLOYER and bool(getattr(user, "organisation_id", None))


def own_employers(user: Any) -> QuerySet[Employer]:
    """The firms the employer user's organisation owns (owner scope), by NPP. Other roles:
    PermissionDenied, whatever capability they hold."""
    require_capability(user, Capability.REGISTER_WORKERS)
    if user_role(user) != Role.EMPLOYER:
        raise PermissionDenied("employer portal")
    if not getattr(user, "organisation_id", None):
        return Employer.objects.none()
    return Employer.objects.for_actor(user).filter(owner_id=user.organisation_id).order_by("npp")


def own_employer(user: Any, npp: str) -> Employer:
    try:
        return own_employers(user).select_related("village").get(npp=npp)
    except Employer.DoesNotExist:
        raise Http404("employer") from None


def owns(user: Any, employer: Employer | None) -> bool:
    """Whether ``employer`` belongs to the user's organisation (the rule of the employer
    channel in ``services.submit``)."""
    owner = getattr(user, "organisation_id", None)
    return employer is not None and owner is not None and employer.owner_id == owner


def active_workers(employer: Employer, day: dt.date | None = None) -> QuerySet[Membership]:
    """Memberships of ``employer`` active on ``day`` (today), person and employer joined.
    ``employer`` comes from ``own_employers``: the firm is the gate."""
    day = day or timezone.localdate()
    return (
        Membership.objects.filter(employer=employer)
        .filter(active_on(day))
        .select_related("person", "employer")
    )


def active_worker_count(employer: Employer, day: dt.date | None = None) -> int:
    active = active_workers(employer, day).order_by()
    return active.aggregate(n=Count("person_id", distinct=True))["n"] or 0


def active_worker(user: Any, employer: Employer, membership_id: int) -> Membership:
    """One active worker of the user's own firm, else 404."""
    if not owns(user, employer):
        raise Http404("membership")
    try:
        return active_workers(employer).get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404("membership") from None


def firm_requests(user: Any, employer: Employer) -> QuerySet[Registration]:
    """The firm's registration requests, newest first."""
    return registrations_for(user).filter(employer=employer).select_related("village")


def firm_changes(user: Any, employer: Employer) -> QuerySet[WorkerChange]:
    """The wage changes and exits the firm reported, newest first."""
    return (
        WorkerChange.objects.for_actor(user)
        .filter(employer=employer)
        .select_related("membership__person")
    )


def open_changes(employer: Employer, memberships: list[Membership]) -> dict[int, set[str]]:
    """Membership id → the kinds of change still open for it (a second is refused)."""
    found: dict[int, set[str]] = {}
    rows = WorkerChange.objects.filter(
        employer=employer,
        membership__in=[m.pk for m in memberships],
        status__in=OPEN_CHANGE_STATUSES,
    ).values_list("membership_id", "kind")
    for membership_id, kind in rows:
        found.setdefault(membership_id, set()).add(kind)
    return found


def worker_files(user: Any) -> QuerySet[ImportJob]:
    """The user's own worker files (import jobs of the employer kind), newest first."""
    return ImportJob.objects.for_actor(user).filter(kind=IMPORT_KIND).order_by("-pk")


def worker_file(user: Any, job_id: int) -> ImportJob:
    own_employers(user)  # the portal's own gate (403 for other roles)
    try:
        return worker_files(user).get(pk=job_id)
    except ImportJob.DoesNotExist:
        raise Http404(job_id) from None
