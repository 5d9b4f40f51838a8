"""The simulator form: shown by Django, validated by the parser shared with the CLI and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.contributions.inputs import InputErrors, parse_inputs
from lindung.contributions.models import Programme, RateSegment

INDUSTRIES = [
    ("", _("Other / not labour-intensive")),
    ("food_beverage_tobacco", _("Food, beverages and tobacco")),
    ("textile_garment", _("Textiles and garments")),
    ("leather_goods", _("Leather goods")),
    ("footwear", _("Footwear")),
    ("childrens_toys", _("Children's toys")),
    ("furniture", _("Furniture")),
]
OCCUPATIONS = [
    ("", _("Other")),
    ("ojol", _("Online motorcycle taxi (ojol)")),
    ("ojek_pangkalan", _("Motorcycle taxi at a stand (ojek pangkalan)")),
    ("driver", _("Driver")),
    ("courier_logistics", _("Courier / logistics")),
]
FUNDERS = [
    ("self", _("The worker pays")),
    ("apbd", _("Regional budget (APBD)")),
    ("apbn", _("State budget (APBN)")),
    ("csr", _("Company CSR")),
]
RISK_CLASSES = [(str(n), str(n)) for n in range(1, 6)]

# Field groups of the page; each is shown for the segments named (space-separated).
GROUPS = [
    ("PU", ("wage", "risk_class", "industry", "workers")),
    ("BPU", ("income", "occupation")),
    ("JAKON", ("contract_value",)),
    ("PMI", ("contract_months", "jht_amount")),
    ("BPU PMI", ("funder",)),
    ("PU BPU JAKON PMI", ("programmes",)),
]


class AnyProgrammes(forms.MultipleChoiceField):
    """Unknown programmes are refused by the calculator with its bilingual message."""

    def validate(self, value: Any) -> None:
        pass


def _number(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "0"}),
    )


class SimulatorForm(forms.Form):
    segment = forms.CharField(
        label=_("Segment"), required=False, widget=forms.Select(choices=RateSegment.choices)
    )
    month = forms.CharField(
        label=_("Contribution month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": _("YYYY-MM")}),
    )
    wage = _number(_("Monthly wage (Rp)"), _("Basic wage plus fixed allowances"))
    risk_class = forms.CharField(
        label=_("JKK risk class"), required=False, widget=forms.Select(choices=RISK_CLASSES)
    )
    industry = forms.CharField(
        label=_("Industry"), required=False, widget=forms.Select(choices=INDUSTRIES)
    )
    workers = _number(_("Number of workers"))
    income = _number(_("Declared monthly income (Rp)"))
    occupation = forms.CharField(
        label=_("Occupation"), required=False, widget=forms.Select(choices=OCCUPATIONS)
    )
    funder = forms.CharField(
        label=_("Who pays"), required=False, widget=forms.Select(choices=FUNDERS)
    )
    contract_value = _number(_("Contract value excl. VAT (Rp)"))
    contract_months = _number(_("Contract length (months)"), _("Leave empty before placement"))
    jht_amount = _number(_("Chosen JHT amount (Rp)"), _("Only with the JHT programme"))
    programmes = AnyProgrammes(
        label=_("Programmes"),
        required=False,
        choices=Programme.choices,
        help_text=_("None ticked: the segment's default programmes"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calc_kwargs: dict[str, Any] = {}
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            self.calc_kwargs = parse_inputs(self.data)
        except InputErrors as exc:
            for name, message in exc.errors.items():
                self.add_error(name, message)
        return cleaned

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(segments, [self[name] for name in names]) for segments, names in GROUPS]
