"""Coverage's cards on the home page (``core.home``): the coverage of the reader's region and
its gap to the target, the child regions with the widest gap, and for visitors the public
coverage of the province. Read from the month-end facts only (one row per region), on the
dashboard's default day, so the card shows what the page it opens shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.core.home import PERCENT, HomeItem, HomeRow
from lindung.core.numbers import month_text, number_text, percent_label
from lindung.coverage import dashboard, selectors
from lindung.coverage.selectors import Figure, TargetProgress

RANKED = 3  # regions shown in the gap ranking


def _day(*, public: bool) -> dt.date | None:
    """The dashboard's default day when its facts are computed, else None (a live count of a
    whole province is too slow for a home page)."""
    options = dashboard.parse_options({}, public=public)
    return options.day if options.day in options.months else None


def _target(figure: Figure) -> TargetProgress | None:
    """The target of the figure's year, else the latest earlier one, else the first."""
    rows = selectors.target_progress(figure)
    if not rows:
        return None
    same = [r for r in rows if r.target.year == figure.day.year]
    earlier = [r for r in rows if r.target.year < figure.day.year]
    return same[0] if same else (earlier[-1] if earlier else rows[0])


def _coverage_detail(figure: Figure) -> str:
    if figure.population is None:
        return _("%(covered)s workers covered at the end of %(month)s (no worker population).") % {
            "covered": number_text(figure.covered),
            "month": month_text(figure.day),
        }
    return _(
        "%(covered)s of %(population)s workers covered at the end of %(month)s; denominator: "
        "%(denominator)s."
    ) % {
        "covered": number_text(figure.covered),
        "population": number_text(figure.population),
        "month": month_text(figure.day),
        "denominator": figure.denominator.name if figure.denominator else "",
    }


def _coverage_item(key: str, figure: Figure, url: str) -> HomeItem:
    return HomeItem(
        key=key,
        title=_("Coverage of %(region)s") % {"region": figure.region.name},
        figure=figure.coverage_pct,
        unit=PERCENT,
        detail=_coverage_detail(figure),
        url=url,
        priority=1,
    )


def _internal(user: Any) -> list[HomeItem]:
    code = selectors.home_region(user)
    if code is None or not selectors.internal_region_allowed(user, code):
        return []
    url = reverse("coverage:internal", args=[code])
    day = _day(public=False)
    if day is None:
        return [_not_computed(url)]
    figure = selectors.figure_on(user, code, day)
    items = [_coverage_item("coverage", figure, url)]
    target = _target(figure)
    if target is not None and target.distance_pp is not None:
        behind = target.distance_pp > 0
        items.append(
            HomeItem(
                key="coverage-target",
                title=_("Gap to the %(year)s target") % {"year": target.target.year},
                figure=max(target.distance_pp, Decimal(0)),
                unit=PERCENT,
                detail=(
                    _(
                        "Target %(target)s (%(label)s): %(workers)s more workers to cover "
                        "(percentage points still to go)."
                    )
                    if behind
                    else _("Target %(target)s (%(label)s) reached.")
                )
                % {
                    "target": percent_label(target.target.target_pct),
                    "label": target.target.label,
                    "workers": number_text(target.workers_to_cover),
                },
                url=url,
                priority=2,
            )
        )
    children = selectors.children_on(user, code, day)
    ranking = [r for r in selectors.gap_ranking(children, day.year) if r["uncovered"]]
    if ranking:
        widest = ranking[0]["figure"]
        items.append(
            HomeItem(
                key="coverage-gaps",
                title=_("Widest gap: %(region)s") % {"region": widest.region.name},
                figure=widest.uncovered,
                detail=_(
                    "Workers not yet covered in the region of %(parent)s with most of them; "
                    "the next ones:"
                )
                % {"parent": figure.region.name},
                url=reverse("coverage:internal", args=[widest.region.code]),
                priority=3,
                rows=tuple(
                    HomeRow(
                        label=r["figure"].region.name,
                        figure=f"{number_text(r['uncovered'])} · "
                        f"{percent_label(r['figure'].coverage_pct)}",
                        url=reverse("coverage:internal", args=[r["figure"].region.code]),
                    )
                    for r in ranking[1:RANKED]
                ),
            )
        )
    return items


def _not_computed(url: str) -> HomeItem:
    return HomeItem(
        key="coverage",
        title=_("Coverage"),
        figure=None,
        detail=_("The month-end figures are not computed yet: open the dashboard."),
        url=url,
        priority=1,
    )


def _public() -> list[HomeItem]:
    code = settings.COVERAGE_HOME_REGION
    url = reverse("coverage:public", args=[code])
    day = _day(public=True)
    if day is None:
        return [_not_computed(url)]
    try:
        figure = selectors.figure_on(None, code, day, public=True)
    except selectors.CoverageNotVisible:
        return []
    return [_coverage_item("coverage-public", figure, url)]


def items(user: Any) -> list[HomeItem]:
    if not getattr(user, "is_authenticated", False):
        return _public()
    if selectors.can_view_internal(user):
        return _internal(user)
    return []
