"""FilterSet of the award entries API."""

from __future__ import annotations

import django_filters

from lindung.award.models import Entry
from lindung.core.filters import IntegerFilter


class EntryFilter(django_filters.FilterSet):
    edition = IntegerFilter(field_name="edition_id", label="Edition id")

    class Meta:
        model = Entry
        fields = ["edition"]
