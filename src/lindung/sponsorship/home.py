"""CSR sponsorship's cards on the home page (``core.home``): a sponsor's pledges and the workers
its accepted matchings fund; for the province, the pledges still waiting for a matching. One
aggregate over ``selectors.pledges_for`` each."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.core.home import HomeItem
from lindung.core.numbers import number_text, rupiah_text
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability
from lindung.sponsorship.models import MatchStatus, PledgeStatus
from lindung.sponsorship.selectors import pledges_for


def _sponsor(user: Any) -> list[HomeItem]:
    pledges = pledges_for(user).order_by()
    totals = pledges.aggregate(
        n=Count("id"),
        budget=Sum("budget"),
        promised=Sum("worker_count"),
        open=Count("id", filter=Q(status=PledgeStatus.OPEN)),
    )
    funded = pledges.aggregate(
        n=Count("assignments", filter=Q(assignments__run__status=MatchStatus.ACCEPTED))
    )["n"]
    home = reverse("sponsorship:home")
    return [
        HomeItem(
            key="pledges",
            title=_("Your pledges"),
            figure=totals["n"],
            detail=(
                _("%(budget)s pledged for %(workers)s workers; %(open)s waiting for a matching.")
                % {
                    "budget": rupiah_text(totals["budget"] or 0),
                    "workers": number_text(totals["promised"] or 0),
                    "open": number_text(totals["open"]),
                }
                if totals["n"]
                else _("No pledge yet: make one for workers near your site.")
            ),
            url=home,
            priority=40,
        ),
        HomeItem(
            key="pledges-workers",
            title=_("Workers funded"),
            figure=funded,
            detail=_("Workers your pledges pay for through accepted matchings."),
            url=home,
            priority=41,
        ),
    ]


def _matcher(user: Any) -> HomeItem:
    counts = (
        pledges_for(user)
        .order_by()
        .aggregate(
            open=Count("id", filter=Q(status=PledgeStatus.OPEN)),
            workers=Sum("worker_count", filter=Q(status=PledgeStatus.OPEN)),
        )
    )
    return HomeItem(
        key="pledges-open",
        title=_("Pledges to match"),
        figure=counts["open"],
        detail=(
            _("CSR pledges for %(workers)s workers waiting for a matching in your area.")
            % {"workers": number_text(counts["workers"] or 0)}
            if counts["open"]
            else _("Every CSR pledge of your area is matched.")
        ),
        url=reverse("sponsorship:matches"),
        attention=bool(counts["open"]),
        priority=30,
    )


def items(user: Any) -> list[HomeItem]:
    if has_capability(user, Capability.MANAGE_PLEDGES) and not has_capability(
        user, Capability.MATCH_PLEDGES
    ):
        return _sponsor(user)
    if has_capability(user, Capability.MATCH_PLEDGES):
        return [_matcher(user)]
    return []
