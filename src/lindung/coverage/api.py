"""``/api/v1/coverage/…``: public aggregates (no login, small cells suppressed) and internal
figures (``view_coverage``, the actor's regions only)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.core.api import validate_query
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.coverage import selectors
from lindung.coverage.dashboard import parse_options
from lindung.coverage.presenters import child_dict, figure_dict
from lindung.coverage.serializers import (
    CoverageQuerySerializer,
    FigureSerializer,
    TrendPointSerializer,
    TrendQuerySerializer,
)


def _figure(request: Request, code: str, *, public: bool) -> dict[str, Any]:
    params = validate_query(request, CoverageQuerySerializer)
    options = parse_options(
        {
            "tanggal": params["date"].isoformat() if params.get("date") else "",
            "penyebut": params.get("denominator", ""),
        },
        public=public,
    )
    by = params.get("by")
    try:
        figure = selectors.figure_on(
            request.user, code, options.day, public=public, denominator=options.denominator
        )
        data = figure_dict(figure, by=by)
        if by == "region":
            data["by"] = "region"
            data["regions"] = [
                child_dict(c)
                for c in selectors.children_on(
                    request.user, code, options.day, public=public, denominator=options.denominator
                )
            ]
    except selectors.CoverageNotVisible:
        raise Http404(code) from None
    return data


def _trend(request: Request, code: str, *, public: bool) -> list[dict[str, Any]]:
    params = validate_query(request, TrendQuerySerializer)
    try:
        points = selectors.trend(
            request.user, code, public=public, kind=params.get("denominator") or None
        )
    except selectors.CoverageNotVisible:
        raise Http404(code) from None
    return [
        {
            "month": p.month,
            "covered": p.covered,
            "population": p.population,
            "coverage_pct": None if p.coverage_pct is None else float(p.coverage_pct),
        }
        for p in points
    ]


class PublicCoverageView(APIView):
    """Aggregates anyone may read: cells under 10 persons are null."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="coverage_public",
        parameters=[CoverageQuerySerializer],
        responses=FigureSerializer,
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(_figure(request, code, public=True))


class PublicTrendView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="coverage_public_trend",
        parameters=[TrendQuerySerializer],
        responses=TrendPointSerializer(many=True),
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(_trend(request, code, public=True))


class CoverageView(APIView):
    """Unsuppressed figures of a region inside the caller's scope (404 outside it)."""

    permission_classes = [HasCapability.of(Capability.VIEW_COVERAGE)]

    @extend_schema(
        operation_id="coverage_internal",
        parameters=[CoverageQuerySerializer],
        responses=FigureSerializer,
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(_figure(request, code, public=False))


class TrendView(APIView):
    permission_classes = [HasCapability.of(Capability.VIEW_COVERAGE)]

    @extend_schema(
        operation_id="coverage_internal_trend",
        parameters=[TrendQuerySerializer],
        responses=TrendPointSerializer(many=True),
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(_trend(request, code, public=False))
