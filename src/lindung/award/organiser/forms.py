"""Forms of the organiser's pages. They only check the shape of the input; the rules (stage,
region, role) are the services', and the rows are looked up inside the edition by the views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.award.models import AssignmentKind


class WeightForm(forms.Form):
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal(0), max_value=Decimal(1000), decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class EntryAddForm(forms.Form):
    """A region (by its Kemendagri code) or a company (by its NPP) in one category."""

    category = forms.IntegerField(label=_("Category"))
    region = forms.CharField(label=_("Region code"), max_length=13, required=False)
    npp = forms.CharField(label=_("Employer NPP"), max_length=20, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        region, npp = (data.get("region") or "").strip(), (data.get("npp") or "").strip()
        if bool(region) == bool(npp):
            raise forms.ValidationError(_("Give either a region code or an employer NPP."))
        data["region"], data["npp"] = region, npp
        return data


class AssignForm(forms.Form):
    entry = forms.IntegerField(label=_("Entry"))
    user = forms.CharField(label=_("User"), max_length=150)
    kind = forms.ChoiceField(label=_("As"), choices=AssignmentKind.choices)
