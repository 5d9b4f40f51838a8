"""The one FilterSet of award entries: the edition page's entries list and the entries API
(``/api/v1/award/entries/``) apply it through ``selectors.entries_filtered`` and the API's
``filterset_class``, with the same parameter names. A bad value makes it invalid: the page shows
the message, the API answers 400."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from lindung.award.models import Entry, EntryOrigin, EntryStatus
from lindung.core.filters import IntegerFilter, RegionCodeFilter, filter_within
from lindung.core.i18n import bilingual

# A value outside the choices: the same bilingual message on the page and in the API's 400.
NOT_A_CHOICE = {
    "invalid_choice": bilingual(
        "%(value)s bukan pilihan yang tersedia.", "%(value)s is not one of the choices."
    )
}


class EntryFilter(django_filters.FilterSet):
    edition = IntegerFilter(field_name="edition_id", label=_("Edition"))
    category = IntegerFilter(field_name="category_id", label=_("Category"))
    status = django_filters.ChoiceFilter(
        choices=EntryStatus.choices, label=_("Status"), error_messages=NOT_A_CHOICE
    )
    origin = django_filters.ChoiceFilter(
        choices=EntryOrigin.choices, label=_("Origin"), error_messages=NOT_A_CHOICE
    )
    region = RegionCodeFilter(method=filter_within, label=_("Region code"))

    class Meta:
        model = Entry
        fields = ["edition", "category", "status", "origin", "region"]
