"""The FilterSet of the bills list, shared by the page, the API and the selector
(``selectors.bills_filtered``) under the same parameter names. A bad value makes it invalid:
the page shows the message with an empty list, the API answers 400."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.contributions.models import Bill, BillStatus
from lindung.core.filters import MAX_YEAR, MIN_YEAR, RegionCodeFilter, filter_within
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
    q = django_filters.CharFilter(
        method="filter_q",
        validators=[MaxLengthValidator(100)],
        label=_("NPP or employer name"),
    )
    month = django_filters.CharFilter(
        method="filter_month", validators=[parse_month], label=_("Contribution month (YYYY-MM)")
    )
    status = django_filters.ChoiceFilter(choices=BillStatus.choices, label=_("Status"))
    region = RegionCodeFilter(method=filter_within, label=_("Region code (subtree)"))

    class Meta:
        model = Bill
        fields = ["q", "month", "status", "region"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(
            Q(employer__npp__istartswith=value) | Q(employer__name__icontains=value)
        )

    def filter_month(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(month=parse_month(value))
