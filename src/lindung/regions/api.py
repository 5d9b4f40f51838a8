from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from lindung.core.api import GeoJSONRenderer
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.viewsets import ReadOnlyViewSet
from lindung.regions import selectors
from lindung.regions.filters import MinimumWageFilter, RegionFilter, WorkerPopulationFilter
from lindung.regions.models import MinimumWage, Region, WorkerPopulation
from lindung.regions.serializers import (
    MinimumWageSerializer,
    RegionDetailSerializer,
    RegionSerializer,
    WorkerPopulationSerializer,
)

CanViewRegions = HasCapability.of(Capability.VIEW_REGIONS)


class RegionViewSet(ReadOnlyViewSet):
    """Kemendagri regions within the caller's scope."""

    permission_classes = [CanViewRegions]
    queryset = Region.objects.none()  # for the schema only; rows come from the selector
    filterset_class = RegionFilter
    lookup_field = "code"
    lookup_value_regex = r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?"

    def get_queryset(self):
        regions = selectors.regions_for(self.request.user)
        if self.action == "retrieve":
            return regions.select_related("bps")
        return regions

    def get_serializer_class(self):
        return RegionDetailSerializer if self.action == "retrieve" else RegionSerializer

    @extend_schema(responses={(200, "application/geo+json"): OpenApiTypes.OBJECT})
    @action(detail=True, url_path="boundaries", renderer_classes=[GeoJSONRenderer, JSONRenderer])
    def boundaries(self, request: Request, code: str | None = None) -> HttpResponse:
        """GeoJSON of the region's children (or of the region itself at the lowest level)."""
        region = self.get_object()
        body = selectors.boundary_geojson(request.user, region)
        return HttpResponse(body, content_type="application/geo+json")


class WorkerPopulationViewSet(ReadOnlyViewSet):
    """Published worker-population figures (coverage denominators) with their sources."""

    permission_classes = [CanViewRegions]
    queryset = WorkerPopulation.objects.none()  # for the schema only
    serializer_class = WorkerPopulationSerializer
    filterset_class = WorkerPopulationFilter

    def get_queryset(self):
        return selectors.populations_for(self.request.user)


class MinimumWageViewSet(ReadOnlyViewSet):
    """UMP/UMK per region and year."""

    permission_classes = [CanViewRegions]
    queryset = MinimumWage.objects.none()  # for the schema only
    serializer_class = MinimumWageSerializer
    filterset_class = MinimumWageFilter

    def get_queryset(self):
        return selectors.minimum_wages_for(self.request.user)
