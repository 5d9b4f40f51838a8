"""One FilterSet per list, shared by pages, API and exports."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.core import regioncodes
from lindung.core.scope import region_q
from lindung.regions.models import Kind, Level, MinimumWage, Region, WorkerPopulation


def _within(queryset: QuerySet, name: str, value: str) -> QuerySet:
    if not regioncodes.is_valid_code(value):
        return queryset.none()
    return queryset.filter(region_q("", [value]))


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices)
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    parent = django_filters.CharFilter(field_name="parent_id")
    within = django_filters.CharFilter(method=_within, label=_("Within region code"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Region
        fields = ["level", "kind", "parent", "within", "q", "is_active"]


class WorkerPopulationFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region_id")
    within = django_filters.CharFilter(method=_within, label=_("Within region code"))
    kind = django_filters.CharFilter(field_name="kind_id")
    year = django_filters.NumberFilter(field_name="reference_date", lookup_expr="year")

    class Meta:
        model = WorkerPopulation
        fields = ["region", "within", "kind", "year"]


class MinimumWageFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region_id")
    within = django_filters.CharFilter(method=_within, label=_("Within region code"))

    class Meta:
        model = MinimumWage
        fields = ["region", "within", "kind", "year"]
