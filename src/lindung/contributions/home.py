"""Contributions' card on the home page (``core.home``): an employer's unpaid and overdue
bills (one aggregate over ``selectors.bills_for``). Region staff read bills from the bills
page; their home stays on coverage and cases."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.contributions.models import BillStatus
from lindung.contributions.selectors import bills_for
from lindung.core.home import RUPIAH, HomeItem
from lindung.core.numbers import number_text
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability, Role


def items(user: Any) -> list[HomeItem]:
    if getattr(user, "role", "") != Role.EMPLOYER or not has_capability(
        user, Capability.VIEW_BILLS
    ):
        return []
    today = timezone.localdate()
    late = Q(status=BillStatus.OVERDUE) | Q(status=BillStatus.OPEN, due_date__lt=today)
    counts = (
        bills_for(user)
        .exclude(status=BillStatus.PAID)
        .order_by()
        .aggregate(n=Count("id"), total=Sum("total"), late=Count("id", filter=late))
    )
    return [
        HomeItem(
            key="bills-due",
            title=_("Bills to pay"),
            figure=counts["total"] or 0,
            unit=RUPIAH,
            detail=(
                _("%(n)s unpaid contribution bills, %(late)s of them past their due date.")
                % {"n": number_text(counts["n"]), "late": number_text(counts["late"])}
                if counts["n"]
                else _("Every contribution bill is paid.")
            ),
            url=reverse("bills:list") + "?status=open",
            attention=bool(counts["late"]),
            priority=15,
        )
    ]
