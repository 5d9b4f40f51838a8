"""Filters whose values are checked before they reach a query, shared by the apps' FilterSets
(pages, API and exports): a bad value makes the FilterSet invalid, so the API answers 400 with
the parameter's message instead of a database error (500) or a silently empty list."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.models import AuditLog
from lindung.core.scope import region_q

# The range of a 64-bit signed integer: every id and count column fits it.
MAX_ID = 2**63 - 1
# Dates the project can reason about (ages, month-ends, contribution rules).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MIN_YEAR, MAX_YEAR = MIN_DATE.year, MAX_DATE.year


class IntegerField(forms.IntegerField):
    """A whole number in a range; ``1.5``, ``1e400`` and ``0.0`` are rejected, not rounded."""

    default_error_messages = {
        "invalid": bilingual("Masukkan bilangan bulat.", "Enter a whole number."),
    }

    def to_python(self, value):
        if value not in self.empty_values and not str(value).strip().lstrip("+-").isdigit():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerFilter(django_filters.NumberFilter):
    """An integer (an id by default: 1 … 2⁶³−1) instead of django-filter's decimal."""

    field_class = IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_ID, **kwargs) -> None:
        kwargs.setdefault("min_value", min_value)
        kwargs.setdefault("max_value", max_value)
        super().__init__(*args, **kwargs)


def YearFilter(**kwargs) -> IntegerFilter:
    return IntegerFilter(min_value=MIN_YEAR, max_value=MAX_YEAR, **kwargs)


DATE_RANGE = bilingual(
    f"Tanggal harus antara {MIN_DATE} dan {MAX_DATE}.",
    f"The date must be between {MIN_DATE} and {MAX_DATE}.",
)


def in_date_range(value: dt.date | None) -> bool:
    """Whether ``value`` lies between ``MIN_DATE`` and ``MAX_DATE`` (None: nothing to check)."""
    return value is None or MIN_DATE <= value <= MAX_DATE


class DateField(forms.DateField):
    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if not in_date_range(value):
            raise ValidationError(DATE_RANGE, code="date_range")


class DateFilter(django_filters.DateFilter):
    """A date from 1900 to 2100 (ISO ``YYYY-MM-DD``)."""

    field_class = DateField


def validate_region_code(value: str) -> None:
    if not regioncodes.is_valid_code(value):
        raise ValidationError(
            bilingual(
                "Kode wilayah tidak sah (contoh: 18, 18.71, 18.71.01, 18.71.01.1001).",
                "Invalid region code (e.g. 18, 18.71, 18.71.01, 18.71.01.1001).",
            ),
            code="region_code",
        )


class RegionCodeFilter(django_filters.CharFilter):
    """A Kemendagri code, checked for its form (a well-formed code no region has simply
    matches nothing)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("validators", [validate_region_code])
        super().__init__(*args, **kwargs)


def filter_within(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Rows inside a region subtree, by equality on the row's own level columns; use with a
    ``RegionCodeFilter(method=filter_within)``."""
    return queryset.filter(region_q("", [value]))


def validate_action_prefix(value: str) -> None:
    """An audit action or the start of one (``registry.``): lower-case words and dots."""
    if not value.replace(".", "").replace("_", "").isalpha() or not value.islower():
        raise ValidationError(
            bilingual(
                "Tindakan hanya berisi huruf kecil, titik dan garis bawah.",
                "An action holds lower-case letters, dots and underscores only.",
            ),
            code="invalid",
        )


class AuditLogFilter(django_filters.FilterSet):
    """The audit log, for its page and its API: ``action`` matches an action or its start
    (``registry.`` is every registry action)."""

    action = django_filters.CharFilter(
        lookup_expr="startswith",
        validators=[validate_action_prefix],
        max_length=100,
        label=_("Action (or its start)"),
    )
    object_type = django_filters.CharFilter(max_length=100, label=_("Object type"))
    object_id = django_filters.CharFilter(max_length=64, label=_("Object ID"))
    request_id = django_filters.CharFilter(max_length=64, label=_("Request ID"))

    class Meta:
        model = AuditLog
        fields = ["action", "object_type", "object_id", "request_id"]
