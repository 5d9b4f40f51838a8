"""The import jobs list's one FilterSet, read by its page and its API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from lindung.core.models import ImportJob, ImportState


class ImportJobFilter(django_filters.FilterSet):
    """``kind`` (a registered import kind) and ``state`` (running, done, failed)."""

    kind = django_filters.CharFilter(max_length=40, label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=ImportState.choices, label=_("State"))

    class Meta:
        model = ImportJob
        fields = ["kind", "state"]
