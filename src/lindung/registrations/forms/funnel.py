"""The funnel page's choice of region and month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.i18n import bilingual
from lindung.registrations.funnel import MONTH_PATTERN, month_start


class FunnelForm(forms.Form):
    wilayah = forms.RegexField(
        regex=r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$",
        required=False,
        label=_("Region code"),
        error_messages={"invalid": bilingual("kode wilayah tidak sah", "invalid region code")},
    )
    bulan = forms.RegexField(
        regex=MONTH_PATTERN,
        required=False,
        label=_("Month submitted (YYYY-MM)"),
        error_messages={"invalid": bilingual("bulan: YYYY-MM", "month: YYYY-MM")},
    )

    def month(self) -> dt.date | None:
        value: Any = self.cleaned_data.get("bulan")
        return month_start(value) if value else None
