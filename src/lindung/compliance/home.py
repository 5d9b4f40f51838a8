"""Compliance's cards on the home page (``core.home``): the open cases of the reader's area and
how many are past their due date (one grouped query over ``selectors.cases_for``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.compliance.models import OPEN_STEPS
from lindung.compliance.selectors import cases_for
from lindung.core.home import HomeItem
from lindung.core.numbers import number_text
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability


def items(user: Any) -> list[HomeItem]:
    if not has_capability(user, Capability.VIEW_COMPLIANCE):
        return []
    today = timezone.localdate()
    counts = (
        cases_for(user)
        .filter(step__in=OPEN_STEPS)
        .order_by()
        .aggregate(open=Count("id"), late=Count("id", filter=Q(due_date__lt=today)))
    )
    cases = reverse("compliance:cases")
    return [
        HomeItem(
            key="compliance-overdue",
            title=_("Compliance cases overdue"),
            figure=counts["late"],
            detail=(
                _("Open cases past their due date, of %(open)s open cases in your area.")
                if counts["late"]
                else _("No open case is past its due date (%(open)s open cases in your area).")
            )
            % {"open": number_text(counts["open"])},
            url=f"{cases}?overdue=1",
            attention=bool(counts["late"]),
            priority=20,
        )
    ]
