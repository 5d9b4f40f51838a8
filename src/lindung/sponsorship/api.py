"""``/csr/api/janji/``: the pledges the caller may see (``selectors.pledges_for``), without
personal data; filtered by ``PledgeFilter`` like the portal page, cursor-paginated."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers

from lindung.core.api import CodeCursorPagination
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.viewsets import ListAPIView
from lindung.sponsorship import selectors
from lindung.sponsorship.filters import PledgeFilter
from lindung.sponsorship.models import Pledge


class PledgeSerializer(serializers.ModelSerializer):
    # The names the JSON had as a plain view (``values()``), kept for its readers.
    sponsor__name = serializers.CharField(source="sponsor.name")
    status = serializers.CharField()

    class Meta:
        model = Pledge
        fields = [
            "id",
            "title",
            "sponsor__name",
            "budget",
            "worker_count",
            "start_month",
            "months",
            "radius_km",
            "status",
            "village_code",
        ]


class PledgeList(ListAPIView):
    """Pledges in the caller's scope; ``?status=&sponsor=&region=`` (``PledgeFilter``)."""

    permission_classes = [HasCapability.of(Capability.VIEW_SPONSORSHIP)]
    pagination_class = CodeCursorPagination
    serializer_class = PledgeSerializer
    filterset_class = PledgeFilter
    queryset = Pledge.objects.none()  # for the schema only; rows come from the selector

    def get_queryset(self) -> QuerySet[Pledge]:
        return selectors.pledges_for(self.request.user)
