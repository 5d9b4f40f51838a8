from __future__ import annotations

from rest_framework import serializers

from lindung.regions.models import MinimumWage, Region, WorkerPopulation


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent_code", "is_active"]


class RegionDetailSerializer(RegionSerializer):
    bps_code = serializers.SerializerMethodField()

    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "bps_code"]

    def get_bps_code(self, region: Region) -> str | None:
        bps = getattr(region, "bps", None)  # the reverse one-to-one raises AttributeError
        return bps.bps_code if bps else None


class WorkerPopulationSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region_id", read_only=True)
    kind = serializers.CharField(source="kind_id", read_only=True)

    class Meta:
        model = WorkerPopulation
        fields = [
            "id",
            "region_code",
            "kind",
            "reference_date",
            "value",
            "source",
            "source_kind",
            "url",
            "indicator",
        ]


class MinimumWageSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = MinimumWage
        fields = [
            "id",
            "region_code",
            "kind",
            "year",
            "amount",
            "effective_from",
            "effective_to",
            "legal_basis",
            "source",
            "confidence",
        ]
