"""Employer bill pages: a list per contribution month and one bill with its lines, payments and
the late fine accrued today."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lindung.contributions import selectors
from lindung.contributions.arrears import with_unpaid
from lindung.contributions.fines import late_fine
from lindung.contributions.models import Bill, BillStatus

PAGE_SIZE = 50


@login_required
@require_GET
def bill_list(request: HttpRequest) -> HttpResponse:
    bills = selectors.bills_for(request.user)
    months = selectors.bill_months(bills)
    try:
        month = dt.date.fromisoformat(request.GET.get("bulan", "") + "-01")
    except ValueError:
        month = months[0] if months else None
    status = request.GET.get("status", "")
    shown = bills.filter(month=month) if month else bills.none()
    if status in BillStatus.values:
        shown = shown.filter(status=status)
    today = timezone.localdate()
    shown = with_unpaid(shown, today).order_by("employer__npp")
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "contributions/bill_list.html",
        {
            "page": page,
            "months": months,
            "month": month,
            "status": status,
            "statuses": BillStatus.choices,
            "today": today,
        },
    )


@login_required
@require_GET
def bill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        bill = selectors.bill_for(request.user, pk)
    except Bill.DoesNotExist:
        raise Http404(pk) from None
    today = timezone.localdate()
    return render(
        request,
        "contributions/bill_detail.html",
        {"bill": bill, "fine": late_fine(bill, today), "today": today},
    )
