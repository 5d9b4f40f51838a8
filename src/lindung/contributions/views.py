"""The public contribution simulator (holds no personal data, so no login)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from lindung.contributions.calculator import calculate_month
from lindung.contributions.forms import SimulatorForm
from lindung.contributions.models import Party, Programme
from lindung.contributions.results import Calculation, CalculationError, Line, percent_text


def rupiah(amount: int) -> str:
    """``1234567`` → ``"Rp 1.234.567"`` (Indonesian thousands separators in both languages)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def percent(rate: Any) -> str:
    text = percent_text(rate)
    return f"{text.replace('.', ',') if get_language() == 'id' else text} %"


@dataclass(frozen=True)
class Row:
    line: Line
    programme: str
    party: str
    base: str
    rate: str
    gross: str
    amount: str


def rows_for(calc: Calculation) -> list[Row]:
    programmes = dict(Programme.choices)
    parties = dict(Party.choices)
    return [
        Row(
            line=line,
            programme=str(programmes.get(line.programme, line.programme)),
            party=str(parties.get(line.party, line.party)),
            base="" if line.base is None else rupiah(line.base),
            rate="" if line.rate_percent is None else percent(line.rate_percent),
            gross=rupiah(line.gross),
            amount=rupiah(line.amount),
        )
        for line in calc.lines
    ]


def simulator(request: HttpRequest) -> HttpResponse:
    """GET only, so a result can be shared as a link; nothing is stored."""
    bound = "segment" in request.GET
    initial = {"segment": "PU", "month": f"{timezone.localdate():%Y-%m}", "risk_class": "1"}
    form = SimulatorForm(request.GET if bound else None, initial=initial)
    calc = None
    if bound and form.is_valid():
        try:
            calc = calculate_month(**form.calc_kwargs)
        except CalculationError as exc:
            form.add_error(None, str(exc))
    context: dict[str, Any] = {"form": form, "calc": calc}
    if calc is not None:
        parties = dict(Party.choices)
        context |= {
            "rows": rows_for(calc),
            "totals": [
                (parties[p], rupiah(calc.total_for(p)))
                for p in Party.values
                if any(line.party == p for line in calc.lines)
            ],
            "total": rupiah(calc.total),
        }
    status = 400 if bound and calc is None else 200
    return render(request, "contributions/simulator.html", context, status=status)
