"""One FilterSet for the worklist of the register, read by the body page and the API: the
reconciliation status, the category, a name search (``q``; a NIK never travels in a URL), and
for the API the body and a region. Bad values make the FilterSet invalid (a 400 with the
message), never a database error or an unfiltered list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import IntegerFilter, RegionCodeFilter, filter_within
from lindung.publicworkers.models import Category, PayingBody, PublicWorker, ReconciliationStatus
from lindung.publicworkers.selectors import listed_workers
from lindung.registry.filters import validate_name_query


class PublicWorkerFilter(django_filters.FilterSet):
    """The persons of a register: ``status`` (active, other, lapsed, never), ``category`` (a
    category code), ``q`` (at least 3 letters of the name), ``body`` (a body's id) and
    ``within`` (a region code)."""

    status = django_filters.ChoiceFilter(choices=ReconciliationStatus.choices, label=_("Status"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), label=_("Category")
    )
    q = django_filters.CharFilter(
        method="filter_name", max_length=60, validators=[validate_name_query], label=_("Name")
    )
    body = IntegerFilter(field_name="body_id", label=_("Paying body (id)"))
    within = RegionCodeFilter(method=filter_within, label=_("Within region code"))

    class Meta:
        model = PublicWorker
        fields = ["status", "category", "q", "body", "within"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            select = getattr(field.widget, "input_type", None) == "select"
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(name__icontains=value.strip())


# The filters the body page shows (its body is in the URL, its region is the body's).
PAGE_FILTERS = ("status", "category", "q")


def workers_filtered(
    user: Any, params: Mapping[str, Any], body: PayingBody | None = None
) -> PublicWorkerFilter:
    """The register ``user`` may read (a body's, on its page) filtered by ``params``."""
    return PublicWorkerFilter(params, queryset=listed_workers(user, body))
