"""Registrations' cards on the home page (``core.home``): the requests waiting for the branch,
the open requests of a registrar's area or firm, an employer's active workers, and the
funding hand-offs still without an answer. Counts over the app's scoped selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core.home import HomeItem
from lindung.core.numbers import number_text
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability, Role
from lindung.registrations import employer_selectors, selectors
from lindung.registrations.models import OPEN_STATUSES, HandoffChoice, Status
from lindung.registry.models import Membership
from lindung.registry.selectors import active_on

HANDOFF_DAYS = 30


def _branch(user: Any) -> HomeItem:
    counts = (
        selectors.registrations_for(user)
        .order_by()
        .aggregate(
            submitted=Count("id", filter=Q(status=Status.SUBMITTED)),
            checked=Count("id", filter=Q(status=Status.CHECKED)),
            sent=Count("id", filter=Q(status=Status.SENT)),
        )
    )
    waiting = counts["submitted"] + counts["checked"]
    return HomeItem(
        key="registrations-branch",
        title=_("Registrations waiting"),
        figure=waiting,
        detail=_(
            "%(submitted)s to check, %(checked)s ready for the registration file, %(sent)s sent "
            "and waiting for the branch's answer."
        )
        % {k: number_text(v) for k, v in counts.items()},
        url=reverse("registrations:branch"),
        attention=bool(waiting),
        priority=10,
    )


def _area(user: Any) -> HomeItem:
    counts = (
        selectors.registrations_for(user)
        .order_by()
        .aggregate(
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            confirmed=Count("id", filter=Q(status=Status.CONFIRMED)),
        )
    )
    return HomeItem(
        key="registrations-area",
        title=_("Registration requests open"),
        figure=counts["open"],
        detail=_(
            "Requests of your area on their way to the branch; %(confirmed)s confirmed so far."
        )
        % {"confirmed": number_text(counts["confirmed"])},
        url=reverse("registrations:village"),
        priority=55,
    )


def _employer(user: Any) -> list[HomeItem]:
    firms = employer_selectors.own_employers(user)
    today = timezone.localdate()
    workers = (
        Membership.objects.filter(employer__in=firms)
        .filter(active_on(today))
        .order_by()
        .aggregate(n=Count("person_id", distinct=True))["n"]
        or 0
    )
    counts = (
        selectors.registrations_for(user)
        .order_by()
        .aggregate(
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            rejected=Count("id", filter=Q(status=Status.REJECTED)),
        )
    )
    portal = reverse("registrations:employer")
    return [
        HomeItem(
            key="employer-workers",
            title=_("Your workers"),
            figure=workers,
            detail=_("Workers with an active BPJS Ketenagakerjaan membership in your firm today."),
            url=portal,
            priority=40,
        ),
        HomeItem(
            key="employer-requests",
            title=_("Your registration requests"),
            figure=counts["open"],
            detail=_("Requests still open at the branch; %(rejected)s rejected.")
            % {"rejected": number_text(counts["rejected"])},
            url=portal,
            priority=45,
        ),
    ]


def _handoffs(user: Any) -> HomeItem:
    soon = timezone.localdate() + dt.timedelta(days=HANDOFF_DAYS)
    counts = (
        selectors.handoffs_for(user)
        .filter(choice=HandoffChoice.OFFERED)
        .order_by()
        .aggregate(
            open=Count("id"),
            soon=Count("id", filter=Q(funding_ends__lte=soon)),
        )
    )
    return HomeItem(
        key="handoffs",
        title=_("Funding ending soon"),
        figure=counts["soon"],
        detail=_(
            "Beneficiaries whose funding ends within %(days)s days and who have not chosen how "
            "to continue (%(open)s hand-offs without an answer)."
        )
        % {"days": HANDOFF_DAYS, "open": number_text(counts["open"])},
        url=reverse("registrations:handoffs"),
        attention=bool(counts["soon"]),
        priority=25,
    )


def items(user: Any) -> list[HomeItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    found = []
    if getattr(user, "role", "") == Role.EMPLOYER:
        return _employer(user) if has_capability(user, Capability.REGISTER_WORKERS) else []
    if has_capability(user, Capability.PROCESS_REGISTRATIONS):
        found.append(_branch(user))
    elif has_capability(user, Capability.REGISTER_WORKERS):
        found.append(_area(user))
    if has_capability(user, Capability.MANAGE_PROGRAMMES):
        found.append(_handoffs(user))
    return found
