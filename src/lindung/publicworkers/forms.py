"""The register's forms: the overview's choice of region, body and date; one worker by hand; a
budget line; and the choice of workers to send as registration requests."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core import regioncodes
from lindung.core.filters import DateField
from lindung.core.i18n import bilingual
from lindung.publicworkers.models import BudgetSource, Category, WageBasis
from lindung.publicworkers.services import WorkerData
from lindung.regions.models import Region
from lindung.registrations.forms.public import IdentityCleaning, normalise_village_code
from lindung.registry.models import Sex

REGION_PATTERN = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
BAD_REGION = bilingual(
    "Kode wilayah tidak sah (contoh: 18, 18.71, 18.71.01, 18.71.01.1001).",
    "Invalid region code (e.g. 18, 18.71, 18.71.01, 18.71.01.1001).",
)
BAD_DATE = bilingual("Tanggal tidak sah; tulis YYYY-MM-DD.", "Invalid date; write YYYY-MM-DD.")
BAD_AMOUNT = bilingual(
    "Jumlah Rupiah tidak sah; tulis misalnya 2.500.000.",
    "Invalid Rupiah amount; write e.g. 2.500.000.",
)
MAX_AMOUNT = 1_000_000_000_000
_RUPIAH = re.compile(r"(?:rp\.?)?([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,13})", re.IGNORECASE)


class RangedDateField(DateField):
    """An ISO date from 1900 to 2100, typed in a date input."""

    default_error_messages = {"invalid": BAD_DATE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)


class RupiahField(forms.CharField):
    """A whole Rupiah amount, zero or more, typed the Indonesian way (``2.500.000``)."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = "".join(str(super().to_python(value) or "").split())
        if not text:
            return None
        match = _RUPIAH.fullmatch(text)
        if match is None:
            raise forms.ValidationError(BAD_AMOUNT, code="invalid")
        amount = int(match.group(1).replace(".", ""))
        if amount > MAX_AMOUNT:
            raise forms.ValidationError(BAD_AMOUNT, code="range")
        return amount

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": "20", "inputmode": "numeric"}


def _styled(form: forms.Form, size: str = "") -> None:
    for field in form.fields.values():
        select = isinstance(field.widget, forms.Select)
        css = "form-select" if select else "form-control"
        field.widget.attrs.setdefault("class", f"{css} {css}-{size}" if size else css)


class CoverageDayForm(forms.Form):
    """``date``: coverage on another day, the register of that day reconciled live (default
    today, from the stored reconciliation)."""

    date = RangedDateField(required=False, label=_("Coverage on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self, "sm")


class OverviewForm(CoverageDayForm):
    """``region`` (a code of the actor's area), ``body`` (a body's id) and ``date``."""

    region = forms.RegexField(
        regex=REGION_PATTERN,
        required=False,
        max_length=13,
        label=_("Region code"),
        error_messages={"invalid": BAD_REGION},
    )
    body = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        label=_("Paying body"),
        widget=forms.HiddenInput,
        error_messages={"invalid": bilingual("badan tidak sah", "invalid body")},
    )
    field_order = ["region", "date", "body"]


class WorkerForm(IdentityCleaning, forms.Form):
    """One person of a body's register, entered by hand (a file is the import page's)."""

    nik = forms.CharField(label=_("NIK"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = RangedDateField(label=_("Birth date"))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    honorarium = RupiahField(label=_("Monthly honorarium (Rp)"))
    budget_source = forms.ChoiceField(label=_("Budget source"), choices=BudgetSource.choices)
    village_code = forms.CharField(
        label=_("Home village code"),
        max_length=20,
        help_text=_("The village where the person lives, e.g. 18.71.01.1003."),
    )
    listed_from = RangedDateField(label=_("On the register from"))
    listed_until = RangedDateField(label=_("On the register until"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["listed_from"].initial = timezone.localdate()
        self.fields["nik"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        _styled(self)

    def clean_village_code(self) -> Region:
        code = normalise_village_code(self.cleaned_data["village_code"])
        village = None
        if regioncodes.is_valid_code(code):
            village = Region.objects.filter(code=code, level="village").first()
        if village is None:
            raise forms.ValidationError(
                bilingual("Kode desa tidak dikenal.", "Unknown village code."), code="village"
            )
        return village

    def data_of(self) -> WorkerData:
        c = self.cleaned_data
        return WorkerData(
            nik=c["nik"],
            name=c["name"],
            birth_date=c["birth_date"],
            sex=c["sex"],
            village=c["village_code"],
            category=c["category"],
            honorarium=c["honorarium"],
            budget_source=c["budget_source"],
            listed_from=c["listed_from"],
            listed_until=c.get("listed_until"),
        )


class BudgetLineForm(forms.Form):
    """What the body budgeted for a category's contributions in a fiscal year, and spent."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2015, max_value=2100)
    planned = RupiahField(label=_("Budgeted (Rp)"))
    realised = RupiahField(label=_("Spent (Rp)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = timezone.localdate().year
        _styled(self, "sm")


class IdsField(forms.TypedMultipleChoiceField):
    """Row ids ticked on a page (any whole number that fits an id column; the view reads them
    through the body's scoped register)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and 0 < int(value) < 2**63


class SendForm(forms.Form):
    """``which``: the rows ticked on the page, or every uncovered worker the filter shows."""

    CHECKED, FILTERED = "checked", "filtered"
    which = forms.ChoiceField(
        label=_("Whom to send"),
        choices=[(CHECKED, _("The ticked persons")), (FILTERED, _("Everyone not covered"))],
    )
    worker = IdsField(label=_("Ticked persons"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("which") == self.CHECKED and not data.get("worker"):
            raise forms.ValidationError(
                bilingual(
                    "Centang dulu orang yang akan didaftarkan.",
                    "Tick the persons to register first.",
                ),
                code="none_checked",
            )
        return data


PROGRAMME_CHOICES = [("JKK", "JKK"), ("JKM", "JKM"), ("JHT", "JHT"), ("JP", "JP")]


class RuleForm(forms.Form):
    """A regency's own rule for one category (docs/domain.md §13.2): segment, programmes, what
    the contribution is priced on, and the rule's source and confidence."""

    category = forms.ModelChoiceField(queryset=Category.objects.all(), label=_("Category"))
    segment = forms.ChoiceField(
        choices=[("PU", _("Wage earner (PU)")), ("BPU", _("Non-wage earner (BPU)"))],
        label=_("Segment"),
    )
    programmes = forms.MultipleChoiceField(
        choices=PROGRAMME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label=_("Programmes"),
    )
    wage_basis = forms.ChoiceField(choices=WageBasis.choices, label=_("Priced on"))
    wage_amount = RupiahField(label=_("Fixed amount (Rp)"), required=False)
    source = forms.CharField(max_length=300, label=_("Source (regulation, decree)"))
    confidence = forms.ChoiceField(
        choices=[("✔", _("✔ confirmed")), ("◐", _("◐ one source")), ("✖", _("✖ assumed"))],
        initial="◐",
        label=_("Confidence"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["programmes"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("programmes") and not {"JKK", "JKM"} <= set(data["programmes"]):
            self.add_error(
                "programmes",
                bilingual("JKK dan JKM selalu wajib", "JKK and JKM are always required"),
            )
        if data.get("wage_basis") == WageBasis.FIXED and not data.get("wage_amount"):
            self.add_error(
                "wage_amount",
                bilingual("isi jumlah upah tetap", "fill in the fixed amount"),
            )
        return data
