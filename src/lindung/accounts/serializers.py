from __future__ import annotations

from rest_framework import serializers

from lindung.accounts.models import Organisation, User
from lindung.core.models import AuditLog


class OrganisationSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region_id", allow_null=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "region_code", "is_active"]


class MeSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)
    scope = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "role", "organisation", "scope"]

    def get_scope(self, user: User) -> list[str]:
        return sorted(user.scope_region_codes())


class AuditLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLog
        fields = [
            "id",
            "created_at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "region_code",
            "before",
            "after",
            "reason",
            "request_id",
        ]
