from django.contrib import admin

from lindung.programmes.models import Funder, FundingSourceYear, Programme


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)


@admin.register(FundingSourceYear)
class FundingSourceYearAdmin(admin.ModelAdmin):
    list_display = ("kind", "year", "enabled", "legal_basis")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "funder", "fiscal_year", "status", "budget", "target_count")
    list_filter = ("status", "fiscal_year")
    readonly_fields = ("monthly_premium", "premium_rules", "status")
