"""Compliance API under /api/v1/compliance/ (DRF, cursor pagination, drf-spectacular): the
worklist of risk scores, findings with their evidence, cases (read, and one step forward
through ``move``), the SLA table and the business registry. Rows come from the selectors
(region scope) and are filtered by the same FilterSets as the pages (``compliance.filters``);
writes go through the services, which check the capability, so the API can skip no more steps
than the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.compliance import selectors, services
from lindung.compliance.filters import BusinessFilter, CaseFilter, FindingFilter, RiskScoreFilter
from lindung.compliance.models import BusinessEntry, Case, Finding, RiskScore, Step
from lindung.core.api import CodeCursorPagination, validate_query
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.viewsets import ReadOnlyViewSet


class ScoreCursor(CodeCursorPagination):
    ordering = ("-score", "id")


class RiskScoreSerializer(serializers.ModelSerializer):
    npp = serializers.CharField(source="employer.npp", default=None, allow_null=True)
    nib = serializers.CharField(source="business.nib", default=None, allow_null=True)

    class Meta:
        model = RiskScore
        fields = ["id", "name", "npp", "nib", "score", "checks", "workers", "village_code",
                  "regency_code", "run"]  # fmt: skip


class FindingSerializer(serializers.ModelSerializer):
    npp = serializers.CharField(source="employer.npp", default=None, allow_null=True)
    nib = serializers.CharField(source="business.nib", default=None, allow_null=True)

    class Meta:
        model = Finding
        fields = ["id", "kind", "npp", "nib", "severity", "amount", "evidence", "village_code",
                  "regency_code", "run"]  # fmt: skip


class CaseSerializer(serializers.ModelSerializer):
    npp = serializers.CharField(source="employer.npp", default=None, allow_null=True)
    nib = serializers.CharField(source="business.nib", default=None, allow_null=True)
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)

    class Meta:
        model = Case
        fields = ["id", "number", "subject_name", "npp", "nib", "checks", "risk_score", "step",
                  "opened_on", "step_since", "due_date", "closed_on", "referral", "assignee",
                  "village_code", "regency_code"]  # fmt: skip


class CaseDetailSerializer(CaseSerializer):
    evidence = serializers.JSONField()
    events = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "evidence", "events", "letters"]

    def get_events(self, case: Case) -> list[dict]:
        return [
            {"on": e.on, "kind": e.kind, "from_step": e.from_step, "to_step": e.to_step,
             "text": e.text}
            for e in case.events.all()
        ]  # fmt: skip

    def get_letters(self, case: Case) -> list[dict]:
        return [
            {"id": letter.pk, "kind": letter.kind, "number": letter.number,
             "issued_on": letter.issued_on}
            for letter in case.letters.all()
        ]  # fmt: skip


class MoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Step.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    referral = serializers.CharField(required=False, allow_blank=True, default="")


class BusinessSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessEntry
        fields = ["id", "nib", "name", "kbli", "village", "reported_workers",
                  "reported_avg_wage", "source", "year"]  # fmt: skip


_VIEW = [HasCapability.of(Capability.VIEW_COMPLIANCE)]


class RiskScoreViewSet(ReadOnlyViewSet):
    """The prioritised worklist: current risk scores, highest first; ``?region=&check=``."""

    permission_classes = _VIEW
    pagination_class = ScoreCursor
    serializer_class = RiskScoreSerializer
    queryset = RiskScore.objects.none()  # for the schema only; rows come from the selector
    filterset_class = RiskScoreFilter

    def get_queryset(self) -> QuerySet[RiskScore]:
        return selectors.scores_for(self.request.user)


class FindingViewSet(ReadOnlyViewSet):
    """Current findings with their evidence; ``?check=``."""

    permission_classes = _VIEW
    serializer_class = FindingSerializer
    queryset = Finding.objects.none()
    filterset_class = FindingFilter

    def get_queryset(self) -> QuerySet[Finding]:
        return selectors.findings_for(self.request.user)


class CaseViewSet(ReadOnlyViewSet):
    """Cases; ``?step=open|<step>&mine=1&overdue=1``. ``POST …/move/`` takes one step."""

    permission_classes = _VIEW
    queryset = Case.objects.none()
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.cases_for(self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    @extend_schema(request=MoveSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case = services.move_case(actor=request.user, case=case, **data.validated_data)
        except services.ComplianceError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(CaseDetailSerializer(case).data)


class BusinessViewSet(ReadOnlyViewSet):
    """The business registry (OSS/WLKP) in the caller's scope; ``?region=``."""

    permission_classes = _VIEW
    serializer_class = BusinessSerializer
    queryset = BusinessEntry.objects.none()
    filterset_class = BusinessFilter

    def get_queryset(self) -> QuerySet[BusinessEntry]:
        return selectors.businesses_for(self.request.user)


class SlaRowSerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    oldest_due = serializers.DateField(allow_null=True)


class SlaView(APIView):
    """Open cases per step and how many are past their due date."""

    permission_classes = _VIEW

    @extend_schema(responses=SlaRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        validate_query(request)
        return Response(SlaRowSerializer(selectors.sla(request.user), many=True).data)
