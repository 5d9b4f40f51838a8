"""Forms of the employer portal: one worker to register, a file of workers, a wage change and an
exit. Cells are read by the same parsers as the worker file (``employer_importer``), so a wage or
a month means the same typed in a form or in a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.imports.cells import CellError
from lindung.core.months import add_months
from lindung.regions.models import Region
from lindung.registrations import employer_importer as worker_file
from lindung.registrations import rules
from lindung.registrations.forms.public import IdentityCleaning
from lindung.registry.models import Employer, Segment, Sex

SEX_CHOICES = [("", "—"), *Sex.choices]
PROGRAMME_CHOICES = [(p, p) for p in worker_file.PROGRAMME_CHOICES]
EXIT_REASONS = [
    ("mengundurkan diri", _("Resigned")),
    ("kontrak berakhir", _("Contract ended")),
    ("PHK", _("Dismissed (PHK)")),
    ("pensiun", _("Retired")),
    ("meninggal dunia", _("Died")),
    ("lainnya", _("Other reason")),
]


def _parsed(parser: Any, value: str, *args: Any) -> Any:
    """A cell parser's value, or its bilingual reason as the field's error."""
    try:
        return parser(value, *args)
    except CellError as exc:
        raise forms.ValidationError(exc.reason) from None


class MonthInput(forms.TextInput):
    input_type = "month"


class WorkerForm(IdentityCleaning, forms.Form):
    """One PU worker of the firm; ``draft`` is what ``services.submit`` checks and stores."""

    nik = forms.CharField(label=_("NIK"), max_length=16, min_length=16)
    name = forms.CharField(label=_("Full name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES)
    birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    village = forms.CharField(
        label=_("Village of domicile (code)"),
        max_length=13,
        help_text=_("Kemendagri code, e.g. 18.71.01.1003"),
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    wage = forms.CharField(
        label=_("Monthly wage (Rp)"), max_length=25, help_text=_("Whole Rupiah, e.g. 3.500.000")
    )
    programmes = forms.MultipleChoiceField(
        label=_("Programmes"), choices=PROGRAMME_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    first_month = forms.CharField(label=_("First month"), max_length=10, widget=MonthInput)

    def __init__(self, *args: Any, employer: Employer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.employer = employer
        self.fields["programmes"].initial = worker_file.default_programmes(employer)
        self.fields["first_month"].initial = f"{timezone.localdate():%Y-%m}"

    def clean_birth_date(self) -> dt.date:
        born = self.cleaned_data["birth_date"]
        if not dt.date(1900, 1, 1) <= born < timezone.localdate():
            raise forms.ValidationError(_("The birth date must be in the past."))
        return born

    def clean_village(self) -> Region:
        code = self.cleaned_data["village"].strip()
        region = Region.objects.filter(code=code, level="village").first()
        if region is None:
            raise forms.ValidationError(_("Unknown village code."))
        return region

    def clean_wage(self) -> int:
        return _parsed(worker_file.wage, self.cleaned_data["wage"].strip())

    def clean_programmes(self) -> list[str]:
        chosen = set(self.cleaned_data["programmes"])
        return [p for p in worker_file.PROGRAMME_CHOICES if p in chosen]

    def clean_first_month(self) -> dt.date:
        return _parsed(worker_file.month, self.cleaned_data["first_month"])

    def draft(self) -> rules.Draft:
        data = self.cleaned_data
        return rules.Draft(
            segment=Segment.PU,
            nik=data["nik"],
            name=data["name"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            village=data["village"],
            occupation=data.get("occupation") or "",
            wage=data["wage"],
            programmes=data["programmes"],
            first_month=data["first_month"],
            employer=self.employer,
        )


class WorkerFileForm(forms.Form):
    file = forms.FileField(label=_("File of workers (CSV or XLSX)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in worker_file.ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Only CSV or XLSX files can be imported."))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s; split it into smaller files.")
                % {"limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)}
            )
        return upload


class WageChangeForm(forms.Form):
    new_wage = forms.CharField(
        label=_("New monthly wage (Rp)"), max_length=25, help_text=_("Whole Rupiah, e.g. 3.500.000")
    )
    effective_month = forms.CharField(
        label=_("Paid from the month"), max_length=10, widget=MonthInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_month"].initial = f"{add_months(timezone.localdate(), 1):%Y-%m}"

    def clean_new_wage(self) -> int:
        return _parsed(worker_file.wage, self.cleaned_data["new_wage"].strip())

    def clean_effective_month(self) -> dt.date:
        return _parsed(worker_file.month, self.cleaned_data["effective_month"])

    def change(self) -> dict[str, Any]:
        """Keyword arguments of ``changes.report_change``."""
        return {
            "new_wage": self.cleaned_data["new_wage"],
            "effective_month": self.cleaned_data["effective_month"],
        }


class ExitForm(forms.Form):
    exit_date = forms.DateField(
        label=_("Exit date (first day no longer employed)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=EXIT_REASONS)

    def change(self) -> dict[str, Any]:
        return {"exit_date": self.cleaned_data["exit_date"], "reason": self.cleaned_data["reason"]}
