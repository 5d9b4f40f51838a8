"""``/api/v1/programmes/``: subsidy programmes in the caller's scope with their selection runs;
``/runs/<version>/`` gives a run's decisions per reason. No personal data: candidates appear
only as counts."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.viewsets import ReadOnlyViewSet
from lindung.programmes import selectors
from lindung.programmes.models import Programme, SelectionRun


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelectionRun
        fields = ["version", "status", "considered", "selected", "capacity", "cost",
                  "created_at", "approved_at", "rules"]  # fmt: skip


class ReasonCountSerializer(serializers.Serializer):
    reason = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class RunDetailSerializer(RunSerializer):
    reasons = serializers.SerializerMethodField()

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "reasons"]

    @extend_schema_field(ReasonCountSerializer(many=True))
    def get_reasons(self, run: SelectionRun) -> list[dict]:
        return ReasonCountSerializer(selectors.reason_counts(run), many=True).data


class ProgrammeSerializer(serializers.ModelSerializer):
    funder = serializers.CharField(source="funder.name")
    funder_kind = serializers.CharField(source="funder.kind")

    class Meta:
        model = Programme
        fields = [
            "id", "name", "funder", "funder_kind", "fiscal_year", "status", "area", "budget",
            "monthly_premium", "premium_rules", "start_month", "funded_months", "target_count",
            "planned_cost", "min_age", "max_age", "occupations", "max_welfare_decile",
            "priority_rules", "village_quota",
        ]  # fmt: skip


class ProgrammeDetailSerializer(ProgrammeSerializer):
    runs = RunSerializer(many=True)

    class Meta(ProgrammeSerializer.Meta):
        fields = [*ProgrammeSerializer.Meta.fields, "runs"]


class ProgrammeViewSet(ReadOnlyViewSet):
    """Programmes in the caller's scope (region of the target area, or the funder's own)."""

    permission_classes = [HasCapability.of(Capability.VIEW_PROGRAMMES)]
    queryset = Programme.objects.none()  # for the schema only; rows come from the selector

    def get_queryset(self) -> QuerySet[Programme]:
        rows = selectors.programmes_for(self.request.user).order_by("-fiscal_year", "id")
        if self.action == "retrieve":
            rows = rows.prefetch_related("runs")
        return rows

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ProgrammeDetailSerializer if self.action == "retrieve" else ProgrammeSerializer

    @extend_schema(
        responses=RunDetailSerializer,
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, url_path=r"runs/(?P<version>[^/]+)")
    def run(self, request: Request, pk: str, version: str) -> Response:
        programme = self.get_object()  # a malformed or foreign id is a 404
        if not re.fullmatch(r"[0-9]{1,9}", version):
            raise Http404
        run = selectors.run_for(request.user, programme, int(version))
        return Response(RunDetailSerializer(run).data)
