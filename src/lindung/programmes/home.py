"""Subsidy programmes' cards on the home page (``core.home``): the running programmes and the
budget they have left, the candidates of a village operator's village, the beneficiaries the
branch has still to confirm. Aggregates over the scoped selectors, one query each."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.core.home import RUPIAH, HomeItem
from lindung.core.numbers import number_text, rupiah_text
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability
from lindung.programmes.models import EnrolmentStatus, ProgrammeStatus
from lindung.programmes.selectors import candidates_for, programmes_for

RUNNING = (
    ProgrammeStatus.APPROVED,
    ProgrammeStatus.SELECTING,
    ProgrammeStatus.ENROLLED,
    ProgrammeStatus.PAYING,
)


def _budget(user: Any) -> HomeItem:
    running = programmes_for(user).filter(status__in=RUNNING).order_by()
    totals = running.aggregate(n=Count("id"), budget=Sum("budget"))
    # Separate aggregates: joining invoices and payments in one query would multiply rows.
    invoiced = running.aggregate(total=Sum("invoices__amount"))["total"] or 0
    paid = running.aggregate(total=Sum("invoices__payments__amount"))["total"] or 0
    budget = totals["budget"] or 0
    return HomeItem(
        key="programmes-budget",
        title=_("Budget not yet invoiced"),
        figure=budget - invoiced,
        unit=RUPIAH,
        detail=(
            _(
                "%(n)s running programmes with a budget of %(budget)s: %(invoiced)s invoiced, "
                "%(paid)s paid."
            )
            % {
                "n": number_text(totals["n"]),
                "budget": rupiah_text(budget),
                "invoiced": rupiah_text(invoiced),
                "paid": rupiah_text(paid),
            }
            if totals["n"]
            else _("No programme is running in your area.")
        ),
        url=reverse("programmes:list"),
        priority=50,
    )


def _candidates(user: Any) -> HomeItem:
    count = candidates_for(user).order_by().count()
    return HomeItem(
        key="programmes-candidates",
        title=_("Programme candidates"),
        figure=count,
        detail=(
            _("Persons of your area on the social-registry lists a programme can select from.")
            if count
            else _("No candidate registered yet: import a list or register one by hand.")
        ),
        url=reverse("programmes:candidates"),
        priority=52,
    )


def _to_confirm(user: Any) -> HomeItem:
    counts = (
        programmes_for(user)
        .order_by()
        .aggregate(
            pending=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.PENDING)),
            programmes=Count(
                "id", filter=Q(enrolments__status=EnrolmentStatus.PENDING), distinct=True
            ),
        )
    )
    return HomeItem(
        key="programmes-enrolments",
        title=_("Beneficiaries to confirm"),
        figure=counts["pending"],
        detail=(
            _("Waiting for the branch's answer in %(n)s programmes' enrolment files.")
            % {"n": number_text(counts["programmes"])}
            if counts["pending"]
            else _("Every beneficiary sent to the branch has its answer.")
        ),
        url=reverse("programmes:list"),
        attention=bool(counts["pending"]),
        priority=15,
    )


def items(user: Any) -> list[HomeItem]:
    if not has_capability(user, Capability.VIEW_PROGRAMMES):
        return []
    found = [_budget(user)]
    if has_capability(user, Capability.REGISTER_CANDIDATES) and not has_capability(
        user, Capability.MANAGE_PROGRAMMES
    ):
        found.append(_candidates(user))
    if has_capability(user, Capability.ENROL_BENEFICIARIES):
        found.append(_to_confirm(user))
    return found
