"""The import jobs API: the jobs the caller may see (their own; an administrator's all), with the
same filters as the imports page. Uploads go through the page or the CLI."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from lindung.core.imports.filters import ImportJobFilter
from lindung.core.imports.selectors import import_jobs_for
from lindung.core.models import ImportJob


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "file_name", "state", "rows_total", "rows_read", "rows_imported",
            "rows_unchanged", "rows_rejected", "error", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["imports"])
class ImportJobViewSet(viewsets.ReadOnlyModelViewSet):
    """Import jobs, newest first."""

    serializer_class = ImportJobSerializer
    filterset_class = ImportJobFilter
    queryset = ImportJob.objects.none()

    def get_queryset(self) -> QuerySet[ImportJob]:
        return import_jobs_for(self.request.user)
