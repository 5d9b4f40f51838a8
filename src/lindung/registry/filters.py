"""One FilterSet per list, shared by the pages, the API and the exports."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.core.api import NIK_IN_URL, NIK_RUN
from lindung.core.filters import DateFilter, IntegerFilter, RegionCodeFilter, filter_within
from lindung.registry.models import (
    Employer,
    EmployerStatus,
    Funding,
    Membership,
    Person,
    Segment,
    Sex,
    SizeClass,
)
from lindung.registry.selectors import active_on

MIN_NAME_LENGTH = 3


def is_nik(value: str) -> bool:
    return NIK_RUN.fullmatch(value) is not None


def validate_nik(value: str) -> None:
    if not is_nik(value):
        raise ValidationError(_("A NIK has 16 digits."), code="nik_length")


def validate_person_query(value: str) -> None:
    """A person search is a whole NIK (16 digits) or at least 3 letters of a name."""
    if re.fullmatch(r"[0-9]+", value):
        if not is_nik(value):
            raise ValidationError(_("A NIK has 16 digits."), code="nik_length")
    elif len(value) < MIN_NAME_LENGTH:
        raise ValidationError(_("Type at least 3 letters of the name."), code="name_length")


def validate_name_query(value: str) -> None:
    """A search in a URL (a GET list) is by name only: a NIK, or a part of one, goes in a POST
    body."""
    if re.fullmatch(r"[0-9]+", value) or NIK_RUN.search(value):
        raise ValidationError(NIK_IN_URL, code="nik_in_url")
    validate_person_query(value)


class _Styled(django_filters.FilterSet):
    """Bootstrap classes on the widgets, for the list pages' filter forms."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            select = getattr(field.widget, "input_type", None) == "select"
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)


class EmployerFilter(_Styled):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or NPP"))
    kbli = django_filters.CharFilter(
        field_name="kbli", lookup_expr="startswith", label=_("KBLI (code or its start)")
    )
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices, label=_("Size"))
    risk_class = django_filters.ChoiceFilter(
        choices=[(str(i), str(i)) for i in range(1, 6)], label=_("Risk class")
    )
    status = django_filters.ChoiceFilter(choices=EmployerStatus.choices, label=_("Status"))
    within = RegionCodeFilter(method=filter_within, label=_("Within region code"))

    class Meta:
        model = Employer
        fields = ["q", "kbli", "size_class", "risk_class", "status", "within"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(npp__istartswith=value))


class PersonListFilter(_Styled):
    """The API's GET list: a name search and region filters. A NIK never travels in a URL, so
    the NIK search is ``PersonFilter`` bound to a POST body (the page's form, the API's
    ``POST /api/v1/persons/search/``); here a NIK in ``q`` is refused."""

    q = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        validators=[validate_name_query],
        label=_("Name"),
    )
    name = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        min_length=MIN_NAME_LENGTH,
        label=_("Name contains"),
    )
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("Sex"))
    within = RegionCodeFilter(method=filter_within, label=_("Domicile within region code"))

    class Meta:
        model = Person
        fields = ["q", "name", "sex", "within"]


class PersonFilter(PersonListFilter):
    """Search by NIK (exact, 16 digits), name (at least 3 letters) or ``q`` (either), sex and
    domicile region; bound to POST data wherever a NIK may be in it."""

    q = django_filters.CharFilter(
        method="filter_q", validators=[validate_person_query], label=_("NIK or name")
    )
    nik = django_filters.CharFilter(
        field_name="nik",
        validators=[validate_nik],
        label=_("NIK (exact)"),
    )

    class Meta(PersonListFilter.Meta):
        fields = ["q", "nik", "name", "sex", "within"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if is_nik(value):
            return queryset.filter(nik=value)
        return queryset.filter(name__icontains=value)

    def looked_up_nik(self) -> str | None:
        """The exact NIK this search asked for, if any (NIK lookups are audited)."""
        if not self.is_valid():
            return None
        for key in ("nik", "q"):
            value = self.form.cleaned_data.get(key) or ""
            if is_nik(value):
                return value
        return None


class MembershipFilter(_Styled):
    employer = django_filters.CharFilter(field_name="employer__npp", label=_("Employer NPP"))
    person = IntegerFilter(field_name="person_id", label=_("Person"))
    segment = django_filters.ChoiceFilter(choices=Segment.choices, label=_("Segment"))
    funding = django_filters.ChoiceFilter(choices=Funding.choices, label=_("Funding"))
    active_on = DateFilter(
        method="filter_active_on",
        label=_("Active on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    within = RegionCodeFilter(method=filter_within, label=_("Work region within code"))

    class Meta:
        model = Membership
        fields = ["employer", "person", "segment", "funding", "active_on", "within"]

    def filter_active_on(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(active_on(value))
