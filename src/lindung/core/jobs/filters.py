"""The jobs list's one FilterSet, read by its page and its API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from lindung.core.models import Job, JobState


class JobFilter(django_filters.FilterSet):
    """``kind`` and ``state`` (queued, running, done, failed, cancelled)."""

    kind = django_filters.CharFilter(max_length=40, label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=JobState.choices, label=_("State"))

    class Meta:
        model = Job
        fields = ["kind", "state"]
