"""The jobs API: the caller's jobs (and, for region staff, their regions'), with the same
filters as the jobs page."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from lindung.core.jobs.filters import JobFilter
from lindung.core.jobs.selectors import jobs_for
from lindung.core.models import Job


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id", "kind", "label", "state", "percent", "step", "error", "result", "attempts",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["jobs"])
class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs, newest first."""

    serializer_class = JobSerializer
    filterset_class = JobFilter
    queryset = Job.objects.none()

    def get_queryset(self) -> QuerySet[Job]:
        return jobs_for(self.request.user)
