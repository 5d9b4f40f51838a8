"""``/api/v1/programmes/``: subsidy programmes in the caller's scope with their selection runs;
``<id>/runs/`` lists a programme's runs, ``<id>/runs/<version>/`` gives a run's decisions per
reason; ``candidates/`` lists the candidates of the caller's area, NIK and name masked as on
the page. Every list takes the parameters of its page (``programmes.filters``)."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.http import Http404
from django_filters import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from lindung.core.api import CodeCursorPagination
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.viewsets import ReadOnlyViewSet
from lindung.programmes import selectors
from lindung.programmes.filters import CandidateFilter, ProgrammeFilter, RunFilter
from lindung.programmes.models import Candidate, Programme, SelectionRun
from lindung.registry.masking import mask_name, mask_nik


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


class CandidateSerializer(serializers.ModelSerializer):
    """A candidate as the candidates page shows it: NIK and name masked (UU PDP)."""

    nik = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    village = serializers.CharField(source="village_id")

    class Meta:
        model = Candidate
        fields = ["id", "nik", "name", "village", "occupation", "welfare_decile", "source"]

    def get_nik(self, candidate: Candidate) -> str:
        return mask_nik(candidate.nik)

    def get_name(self, candidate: Candidate) -> str:
        return mask_name(candidate.name)


class RunCursor(CodeCursorPagination):
    ordering = "-version"  # newest first, as on the programme's page


# The lists of the extra actions: their model and FilterSet (the page's parameters).
MODELS: dict[str, type] = {"runs": SelectionRun, "candidates": Candidate}
FILTERS: dict[str, type[FilterSet]] = {"runs": RunFilter, "candidates": CandidateFilter}


class ProgrammeViewSet(ReadOnlyViewSet):
    """Programmes in the caller's scope (region of the target area, or the funder's own)."""

    permission_classes = [HasCapability.of(Capability.VIEW_PROGRAMMES)]

    @property
    def queryset(self) -> QuerySet:  # type: ignore[override]
        """For the schema only (per action); rows come from the selectors."""
        return MODELS.get(getattr(self, "action", None), Programme).objects.none()

    @property
    def filterset_class(self) -> type[FilterSet]:  # type: ignore[override]
        return FILTERS.get(getattr(self, "action", None), ProgrammeFilter)

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):  # the schema needs only the model
            return self.queryset
        if self.action == "runs":
            programme = get_object_or_404(selectors.programmes_for(user), pk=self.kwargs["pk"])
            return selectors.runs_for(user, programme)
        if self.action == "candidates":
            return selectors.candidates_for(user)
        rows = selectors.programmes_for(user).order_by("-fiscal_year", "id")
        if self.action == "retrieve":
            rows = rows.prefetch_related("runs")
        return rows

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "runs":
            return RunSerializer
        if self.action == "candidates":
            return CandidateSerializer
        return ProgrammeDetailSerializer if self.action == "retrieve" else ProgrammeSerializer

    def _listing(self, request: Request, paginator: CodeCursorPagination) -> Response:
        self._paginator = paginator  # before filtering: its parameters are allowed ones
        rows = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=RunSerializer(many=True))
    @action(detail=True, url_path="runs")
    def runs(self, request: Request, pk: str) -> Response:
        """A programme's selection runs, newest first (``status``)."""
        return self._listing(request, RunCursor())

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=False, url_path="candidates")
    def candidates(self, request: Request) -> Response:
        """Candidates of the caller's area (``q`` by name, ``within``, ``max_decile``); the
        selector asks for REGISTER_CANDIDATES."""
        return self._listing(request, CodeCursorPagination())

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
