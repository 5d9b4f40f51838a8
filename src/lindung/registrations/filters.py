"""One FilterSet for the lists of registration requests (the branch's worklist and its
registration file): status, channel, region (``within``) and a reference search. Bad values make
the FilterSet invalid (a 400 with the message), never a database error or an unfiltered list."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.core.filters import RegionCodeFilter, filter_within
from lindung.core.i18n import bilingual
from lindung.registrations import selectors
from lindung.registrations.models import Channel, Registration, Status

# A reference is ``LDG-XXXX-XXXX`` (models.Registration.reference: at most 14 characters).
REFERENCE_MAX = 14
_REFERENCE_TEXT = re.compile(r"[0-9A-Za-z\- ]+")
_DIGIT_RUN = re.compile(r"[0-9]{16}")


def normalise_reference(value: str) -> str:
    """Upper case without spaces, as references are stored (``ldg-ab12-cd34``)."""
    return "".join(str(value).upper().split())


def validate_reference_query(value: str) -> None:
    """A reference or a piece of one: letters, digits and dashes, at most 14 characters. A NIK
    is refused outright: a search in a URL lands in server logs."""
    if _DIGIT_RUN.search(value):
        raise ValidationError(
            bilingual(
                "NIK tidak boleh dikirim dalam URL; cari dengan nomor referensi.",
                "A NIK must not be sent in a URL; search by the reference number.",
            ),
            code="nik_in_url",
        )
    if not _REFERENCE_TEXT.fullmatch(value) or len(normalise_reference(value)) > REFERENCE_MAX:
        raise ValidationError(
            bilingual(
                "Referensi berisi huruf, angka dan tanda hubung, paling banyak 14 karakter "
                "(contoh: LDG-AB12-CD34).",
                "A reference holds letters, digits and dashes, at most 14 characters "
                "(e.g. LDG-AB12-CD34).",
            ),
            code="reference",
        )


class RegistrationFilter(django_filters.FilterSet):
    """The registration requests of a list, for its page and its registration file."""

    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    within = RegionCodeFilter(method=filter_within, label=_("Within region code"))
    q = django_filters.CharFilter(
        method="filter_reference",
        max_length=40,
        validators=[validate_reference_query],
        label=_("Reference"),
    )

    class Meta:
        model = Registration
        fields = ["status", "channel", "within", "q"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            select = getattr(field.widget, "input_type", None) == "select"
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def filter_reference(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(reference__contains=normalise_reference(value))


def registrations_filtered(user: Any, params: Mapping[str, Any]) -> RegistrationFilter:
    """The requests ``user`` may read (``selectors.registrations_for``: the branch its area),
    filtered by ``params``, newest first."""
    return RegistrationFilter(
        params,
        queryset=selectors.registrations_for(user).order_by("-submitted_at", "-id"),
    )
