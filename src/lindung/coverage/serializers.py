"""API shapes of coverage figures (the same keys as ``lindung coverage --format json``)."""

from __future__ import annotations

from rest_framework import serializers

from lindung.coverage.dimensions import dimensions


class CoverageQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="YYYY-MM-DD; default the last month-end")
    by = serializers.ChoiceField(
        choices=["region", *dimensions().keys()], required=False, help_text="breakdown"
    )
    denominator = serializers.CharField(required=False, help_text="population kind code")


class DenominatorSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    value = serializers.IntegerField()
    reference_date = serializers.DateField()
    source = serializers.CharField()


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
