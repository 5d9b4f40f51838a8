"""Registry serializers: personal data masked unless the view passes ``revealed=True`` after an
audited reveal (docs/domain.md §9)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lindung.registry import masking
from lindung.registry.models import PROGRAMMES, Employer, Membership, Person, Sex


class EmployerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = [
            "npp",
            "name",
            "nib",
            "kbli",
            "size_class",
            "risk_class",
            "status",
            "village_code",
            "district_code",
            "regency_code",
            "province_code",
            "registered_on",
            "latitude",
            "longitude",
        ]


class EmployerDetailSerializer(EmployerSerializer):
    active_workers = serializers.SerializerMethodField()

    class Meta(EmployerSerializer.Meta):
        fields = [*EmployerSerializer.Meta.fields, "active_workers"]

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": True})
    def get_active_workers(self, employer: Employer) -> dict[str, Any] | None:
        """Distinct persons active today, per segment and in total (null without the right to
        see persons)."""
        counts = self.context.get("active_workers")
        if counts is None:
            return None
        return {"date": counts.day, "total": counts.total, "by_segment": counts.by_segment}


class _RevealAware(serializers.Serializer):
    @property
    def revealed(self) -> bool:
        return bool(self.context.get("revealed"))


class MembershipSerializer(_RevealAware, serializers.ModelSerializer):
    person_nik = serializers.SerializerMethodField()
    employer_npp = serializers.CharField(source="employer.npp", allow_null=True, default=None)
    kpj = serializers.SerializerMethodField()
    programmes = serializers.SerializerMethodField()
    wage = serializers.SerializerMethodField()
    work_region_code = serializers.CharField(source="work_region_id", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "person",
            "person_nik",
            "employer_npp",
            "segment",
            "kpj",
            "programmes",
            "wage",
            "work_region_code",
            "start_date",
            "end_date",
            "end_reason",
            "funding",
        ]

    def get_person_nik(self, m: Membership) -> str:
        return m.person.nik if self.revealed else masking.mask_nik(m.person.nik)

    def get_kpj(self, m: Membership) -> str:
        return m.kpj if self.revealed else masking.mask_kpj(m.kpj)

    def get_programmes(self, m: Membership) -> list[str]:
        return [p for p in PROGRAMMES if getattr(m, p)]

    @extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
    def get_wage(self, m: Membership) -> int | str:
        """Rupiah per month when revealed; a one-million band otherwise."""
        return m.wage if self.revealed else masking.wage_band(m.wage)


class PersonSerializer(_RevealAware, serializers.ModelSerializer):
    nik = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    age_band = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    masked = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "nik",
            "name",
            "sex",
            "age_band",
            "phone",
            "occupation",
            "village_code",
            "district_code",
            "regency_code",
            "province_code",
            "masked",
        ]

    def get_nik(self, p: Person) -> str:
        return p.nik if self.revealed else masking.mask_nik(p.nik)

    def get_name(self, p: Person) -> str:
        return p.name if self.revealed else masking.mask_name(p.name)

    def get_age_band(self, p: Person) -> str:
        """A band, never the birth year: with the sex and village a year narrows the NIK down."""
        return masking.age_band(p.birth_date)

    def get_phone(self, p: Person) -> str:
        return p.phone if self.revealed else masking.mask_phone(p.phone)

    def get_masked(self, p: Person) -> bool:
        return not self.revealed


class PersonDetailSerializer(PersonSerializer):
    birth_date = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "birth_date", "memberships"]

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_birth_date(self, p: Person) -> str | None:
        """Only after a reveal; null when masked."""
        return p.birth_date.isoformat() if self.revealed else None

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, p: Person) -> list[dict[str, Any]]:
        history = self.context.get("memberships", [])
        return MembershipSerializer(history, many=True, context=self.context).data


class RevealRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the full data is needed")


class PersonSearchSerializer(serializers.Serializer):
    """The body of ``POST /api/v1/persons/search/``: the list's filters, a NIK among them (a
    NIK never goes in a URL). The view rejects unknown keys."""

    nik = serializers.CharField(
        required=False, allow_blank=True, max_length=16, help_text="NIK, exactly 16 digits"
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="a whole NIK (16 digits) or at least 3 letters of the name",
    )
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="at least 3 letters"
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    within = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="domicile region code"
    )
