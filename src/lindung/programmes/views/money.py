"""Money and outcome pages of a programme: the branch issues invoices, the funder records
payments; everyone who may see the programme reads its outcome (persons protected, months
paid, premium, claims, continuation) and its funder's."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lindung.programmes import selectors
from lindung.programmes.outcomes import funder_outcome, lapse_counts, programme_outcome
from lindung.programmes.services.money import issue_invoice, record_payment
from lindung.programmes.services.plans import ProgrammeError


def _day(text: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return default


@login_required
@require_POST
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, pk)
    issued = _day(request.POST.get("issued_on", ""), timezone.localdate())
    try:
        invoice = issue_invoice(actor=request.user, programme=programme, issued_on=issued)
    except ProgrammeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{invoice.number}: Rp {invoice.amount:,}".replace(",", "."))
    return redirect("programmes:detail", pk=pk)


@login_required
@require_POST
def invoice_pay(request: HttpRequest, pk: int, invoice_id: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, pk)
    invoice = programme.invoices.filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404(invoice_id)
    amount_text = request.POST.get("amount", "").replace(".", "").strip()
    try:
        if not amount_text.isdigit():
            raise ProgrammeError("jumlah bayar harus angka / the amount must be a number")
        record_payment(
            actor=request.user, invoice=invoice, amount=int(amount_text),
            paid_on=_day(request.POST.get("paid_on", ""), timezone.localdate()),
            reference=request.POST.get("reference", ""),
        )  # fmt: skip
    except ProgrammeError as exc:
        messages.error(request, str(exc))
    return redirect("programmes:detail", pk=pk)


@login_required
@require_GET
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, pk)
    on = _day(request.GET.get("tanggal", ""), timezone.localdate())
    return render(
        request,
        "programmes/outcome.html",
        {
            "programme": programme,
            "on": on,
            "outcome": programme_outcome(request.user, programme, on),
            "lapse": lapse_counts(request.user, programme, on),
            "funder": programme.funder,
            "funder_outcome": _funder_outcome(request, programme, on),
        },
    )


def _funder_outcome(request: HttpRequest, programme, on: dt.date):
    """All the funder's programmes together, when the user may see the funder (a village
    operator sees a regency's programme in its village, not the regency's funder)."""
    try:
        return funder_outcome(request.user, programme.funder, on)
    except Http404:
        return None
