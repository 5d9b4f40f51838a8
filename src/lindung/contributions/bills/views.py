"""Employer bill pages: a list per contribution month and one bill with its lines, payments and
the late fine accrued today."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lindung.contributions import selectors
from lindung.contributions.arrears import with_unpaid
from lindung.contributions.fines import late_fine
from lindung.contributions.models import Bill, BillStatus
from lindung.contributions.rulebook import describe_rules
from lindung.core.paging import filtered_page


@login_required
@require_GET
def bill_list(request: HttpRequest) -> HttpResponse:
    """``?q=&month=YYYY-MM&status=&region=`` (``BillFilter``, as the API); without a month the
    latest one is shown. An invalid filter shows its messages over an empty list."""
    months = selectors.bill_months(selectors.bills_for(request.user))
    params = request.GET.copy()
    if not params.get("month") and months:
        params["month"] = f"{months[0]:%Y-%m}"
    today = timezone.localdate()
    filterset = selectors.bills_filtered(request.user, params)
    listing, status = filtered_page(
        filterset,
        params,
        prepare=lambda bills: with_unpaid(bills, today).order_by("employer__npp"),
    )
    totals = selectors.bill_totals(request.user, filterset.qs, today) if status == 200 else None
    return render(
        request,
        "contributions/bills/list.html",
        {
            **listing,
            "months": months,
            "month": params.get("month", ""),
            "status": params.get("status", ""),
            "q": params.get("q", ""),
            "region": params.get("region", ""),
            "statuses": BillStatus.choices,
            "today": today,
            "totals": totals,
        },
        status=status,
    )


@login_required
@require_GET
def bill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        bill = selectors.bill_for(request.user, pk)
    except Bill.DoesNotExist:
        raise Http404(pk) from None
    today = timezone.localdate()
    fine = late_fine(bill, today)
    lines = list(bill.lines.all())
    rules = {
        r.rule_id: r
        for r in describe_rules(
            [i for line in lines for i in line.rule_ids.split(",")]
            + [f.rule_id for f in fine.lines]
        )
    }
    return render(
        request,
        "contributions/bills/detail.html",
        {
            "bill": bill,
            "lines": [
                (line, [rules[i.strip()] for i in line.rule_ids.split(",") if i.strip()])
                for line in lines
            ],
            "fine": fine,
            "fine_lines": [(f, rules.get(f.rule_id)) for f in fine.lines],
            "today": today,
        },
    )
