from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.permissions import IsAuthenticated

from lindung.accounts import selectors
from lindung.accounts.models import Organisation
from lindung.accounts.serializers import AuditLogSerializer, MeSerializer, OrganisationSerializer
from lindung.core.filters import AuditLogFilter
from lindung.core.models import AuditLog
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.selectors import audit_log_for


class MeView(generics.RetrieveAPIView):
    """The calling user: role, organisation and region scope."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [HasCapability.of(Capability.VIEW_ORGANISATIONS)]
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind", "region"]
    # The model for the schema (parameters, id types); requests use get_queryset.
    queryset = Organisation.objects.none()

    def get_queryset(self):
        return selectors.organisations_for(self.request.user)


@extend_schema(tags=["audit"])
class AuditLogViewSet(viewsets.ReadOnlyModelViewSet):
    """Audit entries within the auditor's region scope."""

    permission_classes = [HasCapability.of(Capability.VIEW_AUDIT)]
    serializer_class = AuditLogSerializer
    filterset_class = AuditLogFilter
    queryset = AuditLog.objects.none()

    def get_queryset(self):
        return audit_log_for(self.request.user)
