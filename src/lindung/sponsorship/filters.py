"""The FilterSet of the pledges list, shared by the portal page, the API and the selector
(``selectors.pledges_filtered``) under the same parameter names. A bad value makes it invalid:
the page shows the message with an empty list, the API answers 400."""

from __future__ import annotations

import django_filters
from django.core.validators import MaxLengthValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import IntegerFilter, RegionCodeFilter, filter_within
from lindung.sponsorship.models import Pledge, PledgeStatus


def title_or_sponsor(queryset: QuerySet, name: str, value: str) -> QuerySet:
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(Q(title__icontains=value) | Q(sponsor__name__icontains=value))


class PledgeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method=title_or_sponsor,
        validators=[MaxLengthValidator(100)],
        label=_("Pledge or sponsor name"),
    )
    status = django_filters.ChoiceFilter(choices=PledgeStatus.choices, label=_("Status"))
    sponsor = IntegerFilter(field_name="sponsor", label=_("Sponsor (id)"))
    region = RegionCodeFilter(method=filter_within, label=_("Region code (subtree)"))

    class Meta:
        model = Pledge
        fields = ["q", "status", "sponsor", "region"]
