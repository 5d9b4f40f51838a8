from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from lindung.core.models import AuditLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """For tables written only by services (which audit every change): look, don't touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "actor_label",
        "action",
        "object_type",
        "object_repr",
        "region_code",
    ]
    list_filter = ["action"]
    search_fields = ["object_id", "request_id", "actor_label"]
