"""Shapes of the public calculator endpoint, for the OpenAPI schema (the view answers with
``Calculation.as_dict()``, the same JSON as `lindung contributions calc --format json`)."""

from __future__ import annotations

from rest_framework import serializers

from lindung.contributions.models import Party, Programme, RateSegment


class CalculateQuerySerializer(serializers.Serializer):
    segment = serializers.ChoiceField(choices=RateSegment.choices)
    month = serializers.CharField(required=False, help_text="YYYY-MM; default: current month")
    wage = serializers.IntegerField(
        required=False, min_value=0, help_text="PU monthly wage, or a Jakon worker's wage (Rp)"
    )
    risk_class = serializers.IntegerField(
        required=False, min_value=1, max_value=5, help_text="PU JKK risk class 1–5"
    )
    income = serializers.IntegerField(
        required=False, min_value=0, help_text="BPU declared income (Rp)"
    )
    contract_value = serializers.IntegerField(
        required=False, min_value=0, help_text="Jakon contract value excl. VAT (Rp)"
    )
    programmes = serializers.CharField(
        required=False,
        help_text=f"comma list of {', '.join(Programme.values)}; default per segment",
    )
    industry = serializers.CharField(required=False, help_text="PU industry (discounts)")
    workers = serializers.IntegerField(required=False, min_value=0, help_text="PU head count")
    funder = serializers.CharField(required=False, help_text="BPU/PMI: self, apbd, apbn, csr, …")
    occupation = serializers.CharField(required=False, help_text="BPU occupation, e.g. ojol")
    contract_months = serializers.IntegerField(
        required=False, min_value=0, help_text="PMI contract length; empty = pre-placement"
    )
    jht_amount = serializers.IntegerField(
        required=False, min_value=0, help_text="PMI chosen JHT amount (Rp)"
    )


class LineSerializer(serializers.Serializer):
    programme = serializers.CharField()
    party = serializers.ChoiceField(choices=Party.choices)
    base = serializers.IntegerField(allow_null=True)
    rate_percent = serializers.CharField(allow_null=True, help_text='percent, e.g. "0.24"')
    gross = serializers.IntegerField(help_text="Rp before discount")
    discount = serializers.CharField(help_text="rule id of the discount applied, or empty")
    amount = serializers.IntegerField(help_text="Rp, rounded half-up per line")
    rule = serializers.CharField()
    rules = serializers.ListField(child=serializers.CharField())
    legal_basis = serializers.CharField()
    source = serializers.CharField()
    confidence = serializers.CharField()
    unconfirmed = serializers.BooleanField()
    note = serializers.CharField()


class CalculationSerializer(serializers.Serializer):
    segment = serializers.ChoiceField(choices=RateSegment.choices)
    month = serializers.CharField(help_text="YYYY-MM")
    lines = LineSerializer(many=True)
    total = serializers.IntegerField()
    by_party = serializers.DictField(child=serializers.IntegerField())
    due_date = serializers.DateField(allow_null=True)
    unconfirmed = serializers.BooleanField()
    rounding_rule = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class CalculationErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="bilingual message (Indonesian / English)")
    errors = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="per query field (absent when the request was refused before the calculator "
        "read it, e.g. for a control character)",
    )
