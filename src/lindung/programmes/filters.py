"""One FilterSet per list of programmes, shared by the page and the API with the same parameter
names: programmes, candidates, a programme's selection runs. A bad value makes the FilterSet
invalid: the page shows the message and an empty list, the API answers 400."""

from __future__ import annotations

import re

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import IntegerFilter, RegionCodeFilter, YearFilter, filter_within
from lindung.core.i18n import bilingual
from lindung.programmes.models import (
    Candidate,
    FunderKind,
    Programme,
    ProgrammeStatus,
    RunStatus,
    SelectionRun,
)

DIGIT_RUN = re.compile(r"\d{6,}")
NAME_SEARCH_ONLY = bilingual(
    "Cari calon dengan nama; NIK tidak boleh ada di URL (URL tercatat di log server).",
    "Search candidates by name; a NIK must not be in a URL (URLs land in server logs).",
)
MIN_NAME_SEARCH = 3  # shorter searches match too much to be useful; they are ignored


def validate_name_search(value: str) -> None:
    # The search box takes names; a NIK (or part of one) must not sit in a URL.
    if DIGIT_RUN.search(value):
        raise ValidationError(NAME_SEARCH_ONLY, code="nik_in_url")


def name_contains(queryset: QuerySet, name: str, value: str) -> QuerySet:
    value = value.strip()
    if len(value) < MIN_NAME_SEARCH:
        return queryset
    return queryset.filter(name__icontains=value)


class ProgrammeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProgrammeStatus.choices, label=_("Status"))
    fiscal_year = YearFilter(field_name="fiscal_year", label=_("Fiscal year"))
    funder_kind = django_filters.ChoiceFilter(
        field_name="funder__kind", choices=FunderKind.choices, label=_("Funder kind")
    )
    within = RegionCodeFilter(method=filter_within, label=_("Within region code"))
    q = django_filters.CharFilter(method=name_contains, label=_("Name"))

    class Meta:
        model = Programme
        fields = ["status", "fiscal_year", "funder_kind", "within", "q"]


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method=name_contains, validators=[validate_name_search], label=_("Name")
    )
    within = RegionCodeFilter(method=filter_within, label=_("Within region code"))
    max_decile = IntegerFilter(
        field_name="welfare_decile",
        lookup_expr="lte",
        min_value=1,
        max_value=10,
        label=_("Welfare decile at most"),
    )

    class Meta:
        model = Candidate
        fields = ["q", "within", "max_decile"]


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label=_("Status"))

    class Meta:
        model = SelectionRun
        fields = ["status"]
