"""``/api/v1/registrations/funnel/``: the registration funnel of a region and month."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.core.api import validate_query
from lindung.core.i18n import bilingual
from lindung.registrations.funnel import MONTH_PATTERN, funnel, month_start
from lindung.registrations.selectors import in_scope, may_see_funnel


class FunnelQuerySerializer(serializers.Serializer):
    region = serializers.RegexField(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$", required=False)
    month = serializers.RegexField(
        MONTH_PATTERN,
        required=False,
        error_messages={"invalid": bilingual("bulan: YYYY-MM", "month: YYYY-MM")},
    )


class FunnelRowSerializer(serializers.Serializer):
    channel = serializers.CharField()
    label = serializers.CharField(required=False)
    submitted = serializers.IntegerField()
    sent = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    rejected = serializers.IntegerField()
    active_3m = serializers.IntegerField()
    active_6m = serializers.IntegerField()
    added = serializers.IntegerField()


class FunnelSerializer(serializers.Serializer):
    region = serializers.CharField()
    month = serializers.CharField(allow_null=True)
    as_of = serializers.DateField()
    channels = FunnelRowSerializer(many=True)
    total = FunnelRowSerializer()


class SeesFunnel(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return may_see_funnel(request.user)


class FunnelView(APIView):
    """Requests per channel: submitted, sent to the branch, confirmed, rejected, still active 3
    and 6 months on (and, with a month, what each channel added to coverage in it)."""

    permission_classes = [SeesFunnel]

    @extend_schema(
        operation_id="registrations_funnel",
        parameters=[FunnelQuerySerializer],
        responses=FunnelSerializer,
    )
    def get(self, request: Request) -> Response:
        params = validate_query(request, FunnelQuerySerializer)
        region = params.get("region", "")
        if region and not in_scope(request.user, region):
            # A query parameter outside the caller's area is bad input (400), like a filter's.
            raise ValidationError(
                {"region": [bilingual("wilayah di luar cakupan Anda", "region outside your area")]}
            )
        month = month_start(params["month"]) if params.get("month") else None
        return Response(funnel(request.user, region=region, month=month))
