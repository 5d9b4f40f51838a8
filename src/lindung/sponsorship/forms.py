from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.sponsorship.models import SponsorSite


class PledgeForm(forms.Form):
    site = forms.ModelChoiceField(queryset=SponsorSite.objects.none(), label=_("Site"))
    title = forms.CharField(max_length=150, label=_("Title"))
    start_month = forms.DateField(
        label=_("First month"), widget=forms.DateInput(attrs={"type": "date"})
    )
    months = forms.IntegerField(min_value=1, max_value=12, label=_("Months"))
    budget = forms.IntegerField(min_value=1, required=False, label=_("Budget (Rp)"))
    worker_count = forms.IntegerField(min_value=1, required=False, label=_("Number of workers"))
    radius_km = forms.FloatField(
        min_value=0.5, max_value=200, required=False, label=_("Radius (km)")
    )
    area_codes = forms.CharField(required=False, label=_("Areas (region codes, comma-separated)"))
    occupations = forms.CharField(required=False, label=_("Occupations (comma-separated)"))
    women_first = forms.BooleanField(required=False, label=_("Women first"))
    max_welfare_decile = forms.IntegerField(
        min_value=1, max_value=10, required=False, label=_("Highest welfare decile")
    )

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
