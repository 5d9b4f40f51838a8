"""``/api/v1/public-workers/…``: the register's coverage per category (an area, a region within
it or a body, on a day) and its workers, masked, through the body page's FilterSet."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.core.api import validate_query
from lindung.core.filters import DATE_RANGE, MAX_DATE, MIN_DATE, in_date_range
from lindung.core.i18n import bilingual
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.viewsets import ReadOnlyViewSet
from lindung.publicworkers import selectors
from lindung.publicworkers.filters import PublicWorkerFilter
from lindung.publicworkers.forms import REGION_PATTERN
from lindung.publicworkers.models import PublicWorker
from lindung.publicworkers.selectors import in_area, listed_workers
from lindung.registry.masking import mask_kpj, mask_name, mask_nik

CanView = HasCapability.of(Capability.VIEW_PUBLIC_WORKERS)


@extend_schema_field(
    {
        "type": "string",
        "format": "date",
        "pattern": r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$",
    }
)
class _DateField(serializers.DateField):
    """A date from 1900 to 2100, the range the schema states."""


class CoverageQuerySerializer(serializers.Serializer):
    region = serializers.RegexField(
        REGION_PATTERN,
        required=False,
        max_length=13,
        help_text="a region code of the caller's area",
        error_messages={
            "invalid": bilingual("kode wilayah tidak sah", "invalid region code"),
        },
    )
    body = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="a paying body's id"
    )
    date = _DateField(
        required=False,
        help_text=f"YYYY-MM-DD from {MIN_DATE} to {MAX_DATE}; default today (another day is "
        "reconciled live)",
        error_messages={"invalid": bilingual("tanggal: YYYY-MM-DD", "date: YYYY-MM-DD")},
    )

    def validate_date(self, value: dt.date) -> dt.date:
        if not in_date_range(value):
            raise serializers.ValidationError(DATE_RANGE)
        return value


class CategoryCoverageSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    covered = serializers.IntegerField()
    coverage_pct = serializers.FloatField()
    not_covered = serializers.IntegerField()
    budget_needed = serializers.IntegerField(help_text="Rupiah to the end of the fiscal year")
    statuses = serializers.DictField(child=serializers.IntegerField())


class CoverageSerializer(serializers.Serializer):
    date = serializers.DateField()
    region = serializers.CharField(allow_blank=True)
    body = serializers.IntegerField(allow_null=True)
    categories = CategoryCoverageSerializer(many=True)
    total = CategoryCoverageSerializer()


class CoverageView(APIView):
    """Coverage per category of the caller's register, narrowed to a region or a body: persons
    listed, covered (an active participant of the category's segment), not covered, and the
    budget needed to cover them to the end of the fiscal year."""

    permission_classes = [CanView]

    @extend_schema(
        operation_id="public_workers_coverage",
        parameters=[CoverageQuerySerializer],
        responses=CoverageSerializer,
    )
    def get(self, request: Request) -> Response:
        params = validate_query(request, CoverageQuerySerializer)
        user = request.user
        region = params.get("region", "")
        if region and not in_area(user, region):
            # A query parameter outside the caller's area is bad input (400), like a filter's.
            raise ValidationError(
                {"region": [bilingual("wilayah di luar cakupan Anda", "region outside your area")]}
            )
        body = None
        if params.get("body"):
            body = selectors.bodies_for(user).filter(pk=params["body"]).first()
            if body is None:
                raise ValidationError(
                    {
                        "body": [
                            bilingual(
                                "badan tidak dikenal atau di luar cakupan Anda",
                                "unknown body or outside your area",
                            )
                        ]
                    }
                )
        day = params.get("date")
        rows, total = selectors.coverage(user, region=region, body=body, on=day)
        return Response(
            {
                "date": (day or timezone.localdate()).isoformat(),
                "region": region,
                "body": body.pk if body else None,
                "categories": [row.as_json() for row in rows],
                "total": total.as_json(),
            }
        )


class PublicWorkerSerializer(serializers.ModelSerializer):
    """A person of the register, masked: NIK, name and KPJ as every list shows them."""

    nik = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    kpj = serializers.SerializerMethodField()
    body_code = serializers.CharField(source="body.code", read_only=True)
    category = serializers.CharField(source="category_id", read_only=True)
    village_code = serializers.CharField(source="village_id", read_only=True)
    registration_reference = serializers.SerializerMethodField()
    registration_status = serializers.SerializerMethodField()

    class Meta:
        model = PublicWorker
        fields = [
            "id",
            "body",
            "body_code",
            "nik",
            "name",
            "category",
            "village_code",
            "budget_source",
            "listed_from",
            "listed_until",
            "status",
            "kpj",
            "paid_through",
            "reconciled_on",
            "registration_reference",
            "registration_status",
        ]

    def get_nik(self, worker: PublicWorker) -> str:
        return mask_nik(worker.nik)

    def get_name(self, worker: PublicWorker) -> str:
        return mask_name(worker.name)

    def get_kpj(self, worker: PublicWorker) -> str:
        return mask_kpj(worker.kpj)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_registration_reference(self, worker: PublicWorker) -> str | None:
        return worker.registration.reference if worker.registration_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_registration_status(self, worker: PublicWorker) -> str | None:
        return worker.registration.status if worker.registration_id else None


class PublicWorkerViewSet(ReadOnlyViewSet):
    """Today's register of the caller's area, masked; filter by ``status``, ``category``,
    ``q`` (at least 3 letters of the name; a NIK never goes in a URL), ``body`` and
    ``within`` — the body page's FilterSet."""

    permission_classes = [CanView]
    queryset = PublicWorker.objects.none()  # for the schema only; rows come from the selector
    serializer_class = PublicWorkerSerializer
    filterset_class = PublicWorkerFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[PublicWorker]:
        return listed_workers(self.request.user).select_related("body", "registration")
