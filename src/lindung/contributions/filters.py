"""FilterSets of the contribution lists (the bills API)."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from lindung.contributions.models import Bill, BillStatus
from lindung.core.filters import MAX_YEAR, MIN_YEAR
from lindung.core.i18n import bilingual


def parse_month(value: str) -> dt.date:
    """``YYYY-MM`` → its first day; a ValidationError with a bilingual message otherwise."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", value)
    if match and MIN_YEAR <= int(match[1]) <= MAX_YEAR and 1 <= int(match[2]) <= 12:
        return dt.date(int(match[1]), int(match[2]), 1)
    raise ValidationError(
        bilingual(
            f"Bulan ditulis YYYY-MM (tahun {MIN_YEAR}–{MAX_YEAR}), mis. 2024-03.",
            f"A month is YYYY-MM (year {MIN_YEAR}–{MAX_YEAR}), e.g. 2024-03.",
        ),
        code="month",
    )


class BillFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(
        method="filter_month", validators=[parse_month], label="Contribution month (YYYY-MM)"
    )
    status = django_filters.ChoiceFilter(choices=BillStatus.choices)

    class Meta:
        model = Bill
        fields = ["month", "status"]

    def filter_month(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(month=parse_month(value))
