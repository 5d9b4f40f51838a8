"""The import jobs list's one FilterSet, read by its page and its API."""

from __future__ import annotations

import django_filters

from lindung.core.models import ImportJob, ImportState


class ImportJobFilter(django_filters.FilterSet):
    """``kind`` (a registered import kind) and ``state`` (running, done, failed)."""

    kind = django_filters.CharFilter(max_length=40)
    state = django_filters.ChoiceFilter(choices=ImportState.choices)

    class Meta:
        model = ImportJob
        fields = ["kind", "state"]
