"""FilterSets of the compliance API: the same filters as the selectors' keyword arguments
(``selectors.scores_for``, ``findings_for``, ``cases_for``), declared so that a bad or unknown
value is a 400 and the schema lists them."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from lindung.compliance.models import OPEN_STEPS, Case, Check, Finding, RiskScore, Step
from lindung.core import regioncodes
from lindung.core.filters import RegionCodeFilter

YES_NO = [("1", "yes"), ("0", "no")]


class RiskScoreFilter(django_filters.FilterSet):
    region = RegionCodeFilter(method="filter_region", label="Region code (subtree)")
    check = django_filters.ChoiceFilter(
        choices=Check.choices, method="filter_check", label="A check that fired"
    )

    class Meta:
        model = RiskScore
        fields = ["region", "check"]

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{regioncodes.scope_column(value): value})

    def filter_check(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(checks__contains=value)


class FindingFilter(django_filters.FilterSet):
    check = django_filters.ChoiceFilter(choices=Check.choices, field_name="kind")

    class Meta:
        model = Finding
        fields = ["check"]


class CaseFilter(django_filters.FilterSet):
    step = django_filters.ChoiceFilter(
        choices=[("open", "open (any open step)"), *Step.choices], method="filter_step"
    )
    mine = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_mine", label="1: assigned to me"
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label="1: open and past the due date"
    )

    class Meta:
        model = Case
        fields = ["step", "mine", "overdue"]

    def filter_step(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return queryset.filter(step__in=OPEN_STEPS)
        return queryset.filter(step=value)

    def filter_mine(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(assignee=self.request.user) if value == "1" else queryset

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value != "1":
            return queryset
        return queryset.filter(step__in=OPEN_STEPS, due_date__lt=timezone.localdate())
