"""``/api/v1/award/entries/``: the award entries the caller sees (``selectors.entries_for``);
``/api/v1/award/editions/<pk>/results/``: the final ranking of a published edition, public like
its results page. No personal data: entries are regions and companies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.award import presenters, selectors
from lindung.award.filters import EntryFilter
from lindung.award.models import Entry
from lindung.core.api import validate_query
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.viewsets import ListAPIView


class EntrySerializer(serializers.ModelSerializer):
    category_kind = serializers.CharField(source="category.kind")
    category_name = serializers.CharField(source="category.name")
    region = serializers.CharField(source="subject_region_id", allow_null=True)
    npp = serializers.CharField(source="employer.npp", allow_null=True, default=None)

    class Meta:
        model = Entry
        fields = ["id", "edition", "category", "category_kind", "category_name", "name",
                  "origin", "status", "submitted_at", "region", "npp", "province_code",
                  "regency_code", "district_code", "village_code"]  # fmt: skip


class EntryList(ListAPIView):
    """Entries in the caller's scope: organisers by region, an entrant its own entry, verifiers
    and jurors those assigned, filtered by ``filters.EntryFilter`` (``edition``, ``category``,
    ``status``, ``origin``, ``region``: the edition page's parameters)."""

    permission_classes = [HasCapability.of(Capability.VIEW_AWARD)]
    serializer_class = EntrySerializer
    queryset = Entry.objects.none()  # for the schema only; rows come from the selector
    filterset_class = EntryFilter

    def get_queryset(self) -> QuerySet[Entry]:
        return selectors.entries_for(self.request.user).select_related("employer")


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry = serializers.IntegerField(source="entry_id")
    name = serializers.CharField(source="entry.name")
    rank = serializers.IntegerField()
    winner = serializers.BooleanField()
    total = serializers.DecimalField(max_digits=9, decimal_places=4)
    indicator_score = serializers.DecimalField(max_digits=9, decimal_places=4)
    questionnaire_score = serializers.DecimalField(max_digits=9, decimal_places=4)
    jury_score = serializers.DecimalField(max_digits=9, decimal_places=4)


class CategoryResultsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    winners = serializers.IntegerField()
    results = ResultSerializer(many=True)


class EditionResultsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField()
    assessment_year = serializers.IntegerField()
    ceremony_year = serializers.IntegerField()
    region = serializers.CharField()
    run = serializers.IntegerField()
    formula_version = serializers.CharField()
    inputs_sha256 = serializers.CharField()
    categories = CategoryResultsSerializer(many=True)


class EditionResults(APIView):
    """The final ranking of a published edition; 404 until it is published."""

    permission_classes = [AllowAny]

    @extend_schema(responses=EditionResultsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        validate_query(request)
        edition = selectors.published_edition(pk)
        rows = list(selectors.final_results(edition).select_related("run"))
        categories: list[dict[str, Any]] = []
        for category, results in presenters.result_groups(rows):
            for r in results:
                r.winner = r.rank <= category.winners
            categories.append({"id": category.pk, "kind": category.kind, "name": category.name,
                               "winners": category.winners, "results": results})  # fmt: skip
        run = rows[0].run if rows else None
        data = {
            "id": edition.pk,
            "name": edition.name,
            "level": edition.level,
            "assessment_year": edition.assessment_year,
            "ceremony_year": edition.ceremony_year,
            "region": edition.region_id,
            "run": run.number if run else 0,
            "formula_version": run.formula_version if run else "",
            "inputs_sha256": run.inputs_sha256 if run else "",
            "categories": categories,
        }
        return Response(EditionResultsSerializer(data).data)
