from django.contrib import admin

from lindung.compliance.models import LetterTemplate


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """Letter texts are reference data; cases and findings are worked on the pages."""

    list_display = ["kind", "title", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]
