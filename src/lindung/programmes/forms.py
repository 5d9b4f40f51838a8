"""Forms of the programme pages: a programme plan, a candidate registered by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core import regioncodes
from lindung.core.imports.cells import CellError
from lindung.core.scope import actor_scope
from lindung.programmes.importers.candidates import CandidateImporter
from lindung.programmes.models import Candidate, Funder, PriorityRule, Programme
from lindung.regions.models import Region


def _region_in_scope(user: Any, code: str, level: str | None = None) -> Region:
    """A region the user may act in, or a form error (Indonesian first)."""
    code = code.strip()
    region = Region.objects.filter(code=code).first()
    if region is None or (level and region.level != level):
        raise forms.ValidationError(_("Unknown region code."))
    if not actor_scope(user).covers_region(code):
        raise forms.ValidationError(_("This region is outside your area."))
    return region


class ProgrammeForm(forms.ModelForm):
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Funder.objects.none())
    area_code = forms.CharField(label=_("Target area (region code)"), max_length=13)
    priority = forms.MultipleChoiceField(
        label=_("Priority rules, in order"),
        choices=PriorityRule.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = [
            "name", "fiscal_year", "budget", "start_month", "funded_months", "target_count",
            "declared_income", "jkk", "jkm", "jht", "min_age", "max_age", "occupations",
            "max_welfare_decile", "domicile_in_area", "exclude_active_participants",
            "exclude_other_programmes", "village_quota",
        ]  # fmt: skip
        widgets = {"start_month": forms.DateInput(attrs={"type": "date"})}
        labels = {
            "name": _("Programme name"),
            "fiscal_year": _("Fiscal year"),
            "budget": _("Budget (Rp)"),
            "start_month": _("First funded month"),
            "funded_months": _("Funded months"),
            "target_count": _("Target number of workers"),
            "declared_income": _("Declared income (Rp a month)"),
            "jkk": _("JKK"),
            "jkm": _("JKM"),
            "jht": _("JHT"),
            "min_age": _("Minimum age"),
            "max_age": _("Maximum age"),
            "occupations": _("Occupations"),
            "max_welfare_decile": _("Highest welfare decile"),
            "domicile_in_area": _("Domiciled in the target area"),
            "exclude_active_participants": _("Leave out active participants"),
            "exclude_other_programmes": _("Leave out workers funded by another programme"),
            "village_quota": _("Village quota"),
        }

    def __init__(self, *args: Any, user: Any, funders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["funder"].queryset = funders

    def clean_area_code(self) -> Region:
        return _region_in_scope(self.user, self.cleaned_data["area_code"])

    def plan(self) -> dict[str, Any]:
        """Keyword arguments for ``services.create_programme``."""
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["priority_rules"] = ",".join(self.cleaned_data.get("priority") or [])
        return data


class CandidateForm(forms.ModelForm):
    village_code = forms.CharField(label=_("Village code"), max_length=13)

    class Meta:
        model = Candidate
        fields = ["nik", "kk", "name", "sex", "birth_date", "occupation", "welfare_decile"]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "sex": forms.Select(choices=[("M", _("Male")), ("F", _("Female"))]),
        }
        labels = {
            "name": _("Full name"),
            "sex": _("Sex"),
            "birth_date": _("Birth date"),
            "occupation": _("Occupation"),
            "welfare_decile": _("Welfare decile"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        codes = actor_scope(user).region_codes
        if len(codes) == 1 and regioncodes.level_of(codes[0]) == "village":
            self.fields["village_code"].initial = codes[0]  # a village operator's own village

    def clean_village_code(self) -> Region:
        return _region_in_scope(self.user, self.cleaned_data["village_code"], "village")

    def clean(self) -> dict[str, Any]:
        """Parse the entry with the candidate importer's rules (a NIK is judged the same way
        as in a registry list); ``row`` is what ``services.plans.register_candidate`` stores."""
        data = super().clean()
        if self.errors:
            return data
        raw = {
            "nik": data["nik"], "kk": data.get("kk") or "", "name": data["name"],
            "sex": data["sex"], "birth_date": data["birth_date"].isoformat(),
            "village": data["village_code"].code, "occupation": data.get("occupation") or "",
            "decile": str(data["welfare_decile"] or ""), "source": "operator desa",
        }  # fmt: skip
        importer = CandidateImporter()
        importer.present = frozenset(raw)
        importer.setup()
        try:
            self.row = importer.parse(raw)
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data
