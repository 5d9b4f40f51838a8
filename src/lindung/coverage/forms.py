from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class IndicatorPointForm(forms.Form):
    """A coverage figure published elsewhere; at least one of its three numbers."""

    reference_date = forms.DateField(
        label=_("Reference date"), widget=forms.DateInput({"type": "date"})
    )
    label = forms.CharField(label=_("Publisher"), max_length=120)
    covered = forms.IntegerField(label=_("Covered workers"), min_value=0, required=False)
    population = forms.IntegerField(label=_("Worker population"), min_value=1, required=False)
    coverage_pct = forms.DecimalField(
        label=_("Coverage (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    source = forms.CharField(
        label=_("Source (link or document)"), widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if all(data.get(f) is None for f in ("covered", "population", "coverage_pct")):
            raise forms.ValidationError(
                _("Enter at least one of: covered workers, worker population, coverage (%).")
            )
        return data
