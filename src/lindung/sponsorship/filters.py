"""The FilterSet of the pledges list, shared by the portal page, the API and the selector
(``selectors.pledges_filtered``) under the same parameter names. A bad value makes it invalid:
the page shows the message with an empty list, the API answers 400."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import IntegerFilter, RegionCodeFilter, filter_within
from lindung.sponsorship.models import Pledge, PledgeStatus


class PledgeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PledgeStatus.choices, label=_("Status"))
    sponsor = IntegerFilter(field_name="sponsor", label=_("Sponsor (id)"))
    region = RegionCodeFilter(method=filter_within, label=_("Region code (subtree)"))

    class Meta:
        model = Pledge
        fields = ["status", "sponsor", "region"]
