"""Reads of bills for pages, API and exports: always through ``for_actor`` (region staff by the
employer's region, an employer by ownership)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from lindung.contributions.arrears import with_unpaid
from lindung.contributions.filters import BillFilter
from lindung.contributions.models import Bill
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability


def bills_for(actor: Any) -> QuerySet[Bill]:
    require_capability(actor, Capability.VIEW_BILLS)
    return Bill.objects.for_actor(actor).select_related("employer")


def bills_filtered(actor: Any, params: Any) -> BillFilter:
    """The bills list's FilterSet over the actor's bills (the page; the API applies the same
    class through its ``filterset_class``)."""
    return BillFilter(params, queryset=bills_for(actor))


def bill_for(actor: Any, pk: int) -> Bill:
    """One bill the actor may see; ``Bill.DoesNotExist`` otherwise (a 404, never a hint)."""
    return bills_for(actor).prefetch_related("lines", "payments").get(pk=pk)


def bill_months(bills: QuerySet[Bill]) -> list[dt.date]:
    return list(bills.order_by("-month").values_list("month", flat=True).distinct()[:36])


@dataclass(frozen=True)
class BillTotals:
    """Totals of a (filtered) list of bills, integer Rupiah as of a day."""

    count: int
    due: int  # sum of the bills' totals
    paid: int  # payments made up to the day
    outstanding: int  # sum of what is still unpaid on each bill (an overpayment counts 0)


def bill_totals(actor: Any, bills: QuerySet[Bill], as_of: dt.date) -> BillTotals:
    """Count, amount due, paid and outstanding over ``bills`` (all pages): one query."""
    bills = with_unpaid(bills.for_actor(actor), as_of).order_by()
    zero = Value(0)
    row = bills.aggregate(
        count=Count("pk"),
        due=Coalesce(Sum("total"), zero),
        paid=Coalesce(Sum(F("total") - F("unpaid")), zero),
        outstanding=Coalesce(Sum(Greatest(F("unpaid"), zero)), zero),
    )
    return BillTotals(**row)
