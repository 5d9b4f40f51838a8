"""The public-worker register's card on the home page (``core.home``): how many of the people
the reader's area pays are covered, and the budget needed for the rest (today's stored
reconciliation, one grouped query through ``selectors.coverage``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.core.home import PERCENT, HomeItem
from lindung.core.numbers import number_text, rupiah_text
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability
from lindung.publicworkers import selectors


def items(user: Any) -> list[HomeItem]:
    if not has_capability(user, Capability.MANAGE_PUBLIC_WORKERS):
        return []
    _categories, total = selectors.coverage(user)
    return [
        HomeItem(
            key="public-workers",
            title=_("Public-sector and village workers covered"),
            figure=total.coverage_pct if total.total else None,
            unit=PERCENT,
            detail=(
                _(
                    "%(covered)s of %(total)s people your area's offices and villages pay; "
                    "%(budget)s needed to cover the rest to the end of the year."
                )
                % {
                    "covered": number_text(total.covered),
                    "total": number_text(total.total),
                    "budget": rupiah_text(total.budget_needed),
                }
                if total.total
                else _("No one is listed yet on the register of your area's offices and villages.")
            ),
            url=reverse("publicworkers:index"),
            priority=58,
        )
    ]
