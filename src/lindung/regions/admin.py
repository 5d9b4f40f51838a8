from django.contrib import admin

from lindung.core.admin import ReadOnlyAdmin
from lindung.regions.models import (
    BpsCode,
    MinimumWage,
    PopulationBand,
    PopulationKind,
    Region,
    WorkerPopulation,
)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    """Loaded from the Kemendagri list with `lindung regions load`."""

    list_display = ["code", "name", "level", "kind", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name"]


@admin.register(BpsCode)
class BpsCodeAdmin(ReadOnlyAdmin):
    list_display = ["region", "bps_code", "name_bps", "match"]
    search_fields = ["region__code", "bps_code"]


@admin.register(PopulationKind)
class PopulationKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "name_en"]


@admin.register(WorkerPopulation)
class WorkerPopulationAdmin(admin.ModelAdmin):
    list_display = ["region", "kind", "reference_date", "value", "source_kind"]
    list_filter = ["kind", "source_kind"]
    search_fields = ["region__code", "region__name"]
    raw_id_fields = ["region"]
    exclude = ["province_code", "regency_code", "district_code", "village_code"]

    def save_model(self, request, obj, form, change) -> None:
        obj.assign_region_codes(obj.region_id)
        super().save_model(request, obj, form, change)


@admin.register(MinimumWage)
class MinimumWageAdmin(WorkerPopulationAdmin):
    list_display = ["region", "kind", "year", "amount", "confidence"]
    list_filter = ["kind", "year", "confidence"]


@admin.register(PopulationBand)
class PopulationBandAdmin(WorkerPopulationAdmin):
    list_display = ["region", "kind", "reference_date", "age_band", "sex", "value", "source_kind"]
    list_filter = ["kind", "source_kind", "sex"]
