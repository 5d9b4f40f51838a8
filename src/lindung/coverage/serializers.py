"""API shapes of coverage figures (the same keys as ``lindung coverage --format json``)."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lindung.core.filters import DATE_RANGE, MAX_DATE, MIN_DATE, in_date_range
from lindung.core.i18n import bilingual
from lindung.coverage.dimensions import dimensions
from lindung.regions.models import PopulationKind


class TrendQuerySerializer(serializers.Serializer):
    denominator = serializers.CharField(
        required=False, max_length=60, help_text="population kind code (a known one)"
    )

    def validate_denominator(self, value: str) -> str:
        if value and not PopulationKind.objects.filter(code=value).exists():
            raise serializers.ValidationError(
                bilingual(
                    f"Jenis populasi tidak dikenal: {value}.", f"Unknown population kind: {value}."
                )
            )
        return value


@extend_schema_field(
    {
        "type": "string",
        "format": "date",
        "pattern": r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$",
    }
)
class _DateField(serializers.DateField):
    """A date from 1900 to 2100, the range the schema states (a pattern on the year)."""


class CoverageQuerySerializer(TrendQuerySerializer):
    date = _DateField(
        required=False,
        help_text=f"YYYY-MM-DD from {MIN_DATE} to {MAX_DATE}; default the last month-end",
    )
    by = serializers.ChoiceField(
        choices=["region", *dimensions().keys()], required=False, help_text="breakdown"
    )

    def validate_date(self, value: dt.date) -> dt.date:
        if not in_date_range(value):
            raise serializers.ValidationError(DATE_RANGE)
        return value


class DenominatorSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    value = serializers.IntegerField()
    reference_date = serializers.DateField()
    source = serializers.CharField()
    source_kind = serializers.ChoiceField(
        choices=["published", "estimate", "synthetic"],
        help_text="published figure, estimate, or synthetic demo data",
    )
    url = serializers.CharField(allow_blank=True)


class BreakdownRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    covered = serializers.IntegerField(allow_null=True)
    share_pct = serializers.FloatField(allow_null=True)


class ChildFigureSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    covered = serializers.IntegerField(allow_null=True)
    population = serializers.IntegerField(allow_null=True)
    coverage_pct = serializers.FloatField(allow_null=True)
    uncovered = serializers.IntegerField(allow_null=True)
    denominator = serializers.CharField(allow_null=True)


class FigureSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    level = serializers.CharField()
    date = serializers.DateField()
    covered = serializers.IntegerField(allow_null=True, help_text="null: suppressed (< 10)")
    population = serializers.IntegerField(allow_null=True)
    coverage_pct = serializers.FloatField(allow_null=True)
    uncovered = serializers.IntegerField(allow_null=True)
    denominator = serializers.CharField(allow_null=True)
    denominator_detail = DenominatorSerializer(allow_null=True)
    other_denominators = serializers.ListField(child=serializers.DictField())
    computed_from = serializers.ChoiceField(choices=["facts", "memberships"])
    provisional = serializers.BooleanField()
    by = serializers.CharField(required=False)
    breakdown = BreakdownRowSerializer(many=True, required=False)
    regions = ChildFigureSerializer(many=True, required=False)


class TrendPointSerializer(serializers.Serializer):
    month = serializers.DateField()
    covered = serializers.IntegerField(allow_null=True)
    population = serializers.IntegerField(allow_null=True)
    coverage_pct = serializers.FloatField(allow_null=True)
