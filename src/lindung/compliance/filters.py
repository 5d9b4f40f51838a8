"""The FilterSets of the compliance lists, one per list, shared by the page, the API and the
selectors (``selectors.scores_filtered`` …) under the same parameter names. A bad or unknown
value makes the FilterSet invalid: the page shows the message, the API answers 400."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.compliance.models import (
    OPEN_STEPS,
    BusinessEntry,
    Case,
    Check,
    Finding,
    RiskScore,
    Step,
)
from lindung.core.filters import RegionCodeFilter, filter_within

YES_NO = [("1", _("yes")), ("0", _("no"))]


class RiskScoreFilter(django_filters.FilterSet):
    """The worklist."""

    region = RegionCodeFilter(method=filter_within, label=_("Region code (subtree)"))
    check = django_filters.ChoiceFilter(
        choices=Check.choices, method="filter_check", label=_("A check that fired")
    )

    class Meta:
        model = RiskScore
        fields = ["region", "check"]

    def filter_check(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(checks__contains=value)


class FindingFilter(django_filters.FilterSet):
    check = django_filters.ChoiceFilter(
        choices=Check.choices, field_name="kind", label=_("Kind of finding")
    )

    class Meta:
        model = Finding
        fields = ["check"]


class CaseFilter(django_filters.FilterSet):
    step = django_filters.ChoiceFilter(
        choices=[("open", _("open (any open step)")), *Step.choices],
        method="filter_step",
        label=_("Step"),
    )
    mine = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_mine", label=_("Assigned to me")
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label=_("Open and past the due date")
    )

    class Meta:
        model = Case
        fields = ["step", "mine", "overdue"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "mine" is the caller: the API passes its request, the selectors the user.
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_step(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return queryset.filter(step__in=OPEN_STEPS)
        return queryset.filter(step=value)

    def filter_mine(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(assignee=self.user) if value == "1" else queryset

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value != "1":
            return queryset
        return queryset.filter(step__in=OPEN_STEPS, due_date__lt=timezone.localdate())


class BusinessFilter(django_filters.FilterSet):
    region = RegionCodeFilter(method=filter_within, label=_("Region code (subtree)"))

    class Meta:
        model = BusinessEntry
        fields = ["region"]
