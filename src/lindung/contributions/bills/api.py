"""``/api/v1/bills/``: employers' contribution bills with lines, payments and today's late fine;
region staff see their region's employers, an employer its own (``selectors.bills_for``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lindung.contributions import selectors
from lindung.contributions.filters import BillFilter
from lindung.contributions.fines import late_fine
from lindung.contributions.models import Bill, BillLine, Payment
from lindung.core.permissions import HasCapability
from lindung.core.roles import Capability
from lindung.core.viewsets import ReadOnlyViewSet


class BillLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BillLine
        fields = ["programme", "party", "amount", "members", "rule_ids"]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["paid_on", "amount"]


class FineLineSerializer(serializers.Serializer):
    programme = serializers.CharField()
    unpaid_base = serializers.IntegerField()
    percent_per_month = serializers.DecimalField(max_digits=7, decimal_places=4)
    months = serializers.IntegerField()
    amount = serializers.IntegerField()
    rule_id = serializers.CharField()
    unconfirmed = serializers.BooleanField()


class FineSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    months = serializers.IntegerField()
    unpaid = serializers.IntegerField()
    total = serializers.IntegerField()
    unconfirmed = serializers.BooleanField()
    rounding = serializers.CharField()
    lines = FineLineSerializer(many=True)


class BillSerializer(serializers.ModelSerializer):
    npp = serializers.CharField(source="employer.npp")
    employer_name = serializers.CharField(source="employer.name")

    class Meta:
        model = Bill
        fields = ["id", "npp", "employer_name", "month", "due_date", "total", "members", "status"]


class BillDetailSerializer(BillSerializer):
    lines = BillLineSerializer(many=True)
    payments = PaymentSerializer(many=True)
    fine = serializers.SerializerMethodField()

    class Meta(BillSerializer.Meta):
        fields = [*BillSerializer.Meta.fields, "lines", "payments", "fine"]

    @extend_schema_field(FineSerializer)
    def get_fine(self, bill: Bill) -> dict:
        return FineSerializer(late_fine(bill, timezone.localdate())).data


class BillViewSet(ReadOnlyViewSet):
    """Bills in the caller's scope; ``?q=&month=YYYY-MM&status=&region=`` (``BillFilter``, as
    the page)."""

    permission_classes = [HasCapability.of(Capability.VIEW_BILLS)]
    queryset = Bill.objects.none()  # for the schema only; rows come from the selector
    filterset_class = BillFilter

    def get_queryset(self) -> QuerySet[Bill]:
        bills = selectors.bills_for(self.request.user)
        if self.action == "retrieve":
            bills = bills.prefetch_related("lines", "payments")
        return bills

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return BillDetailSerializer if self.action == "retrieve" else BillSerializer
