"""Evidence of a finding as labelled lines for pages (bilingual through gettext)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lindung.compliance.models import Check
from lindung.core.numbers import number_text, rupiah_text


def _rp(value: Any) -> str:
    return rupiah_text(value)


def _n(value: Any) -> str:
    return number_text(value)


def evidence_lines(kind: str, e: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs: the numbers that justify the finding."""
    if kind == Check.UNREGISTERED:
        return [
            (_("NIB"), e.get("nib", "")),
            (_("Source"), f"{e.get('source')} {e.get('year')}"),
            (_("Reported workforce"), _n(e.get("reported_workers"))),
            (_("Reported average wage"), _rp(e.get("reported_avg_wage"))),
            (_("Employers with this NIB"), _n(e.get("employers_with_nib"))),
        ]
    if kind == Check.PDS_WORKERS:
        return [
            (_("Source"), f"{e.get('source')} {e.get('year')}"),
            (_("Reported workforce"), _n(e.get("reported_workers"))),
            (_("Registered active workers"), _n(e.get("registered_workers"))),
            (_("Workers not registered"), _n(e.get("unregistered_workers"))),
            (_("NPP"), ", ".join(e.get("npp", []))),
        ]
    if kind == Check.PDS_WAGE:
        wage = e.get("minimum_wage") or {}
        return [
            (_("Active PU members"), _n(e.get("members"))),
            (_("Members below the minimum wage"), _n(e.get("members_below_minimum"))),
            (
                _("Minimum wage"),
                f"{wage.get('kind', '–')} {wage.get('year', '')} {wage.get('region', '')}: "
                f"{_rp(wage.get('amount'))}",
            ),
            (_("Lowest reported wage"), _rp(e.get("lowest_wage"))),
            (_("Monthly shortfall"), _rp(e.get("monthly_shortfall"))),
            (_("Registered average wage"), _rp(e.get("registered_avg_wage"))),
            (_("Declared average wage"), _rp(e.get("declared_avg_wage"))),
        ]
    if kind == Check.PDS_PROGRAMME:
        missing = e.get("missing", {})
        return [
            (_("Active PU members"), _n(e.get("members"))),
            (_("Members missing a mandatory programme"), _n(e.get("members_missing_a_programme"))),
            *((_("Without %(programme)s") % {"programme": p}, _n(n)) for p, n in missing.items()
              if n is not None),
            (_("Size class"), e.get("size_class") or "–"),
            (_("JP required"), _("yes") if e.get("jp_required") else _("no")),
        ]  # fmt: skip
    ageing = e.get("ageing", {})
    return [
        (_("Unpaid"), _rp(e.get("unpaid"))),
        (_("1–30 days"), _rp(ageing.get("d0_30"))),
        (_("31–60 days"), _rp(ageing.get("d31_60"))),
        (_("61–90 days"), _rp(ageing.get("d61_90"))),
        (_("Over 90 days"), _rp(ageing.get("over_90"))),
        (_("Accrued late fine"), _rp(e.get("fine")) + (" *" if e.get("fine_unconfirmed") else "")),
        (_("Bills in arrears"), _n(e.get("bills"))),
        (_("Oldest due date"), e.get("oldest_due") or "–"),
        (_("Months late"), _n(e.get("months_late"))),
    ]
