"""One FilterSet per list, shared by pages, API and exports."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import RegionCodeFilter, YearFilter, filter_within
from lindung.regions.models import Kind, Level, MinimumWage, Region, WageKind, WorkerPopulation


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"))
    parent = RegionCodeFilter(field_name="parent_id", label=_("Parent region code"))
    within = RegionCodeFilter(method=filter_within, label=_("Within region code"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Region
        fields = ["level", "kind", "parent", "within", "q", "is_active"]


class WorkerPopulationFilter(django_filters.FilterSet):
    region = RegionCodeFilter(field_name="region_id", label=_("Region code"))
    within = RegionCodeFilter(method=filter_within, label=_("Within region code"))
    kind = django_filters.CharFilter(field_name="kind_id", label=_("Kind"))
    year = YearFilter(field_name="reference_date", lookup_expr="year", label=_("Year"))

    class Meta:
        model = WorkerPopulation
        fields = ["region", "within", "kind", "year"]


class MinimumWageFilter(django_filters.FilterSet):
    region = RegionCodeFilter(field_name="region_id", label=_("Region code"))
    within = RegionCodeFilter(method=filter_within, label=_("Within region code"))
    kind = django_filters.ChoiceFilter(choices=WageKind.choices, label=_("Kind"))
    year = YearFilter(field_name="year", label=_("Year"))

    class Meta:
        model = MinimumWage
        fields = ["region", "within", "kind", "year"]
