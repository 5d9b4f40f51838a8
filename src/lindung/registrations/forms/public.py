"""Forms of the public registration pages: the registration form (self-registration, and the
village operator's and officers' page with the village limited to their area), the status
look-up, and the filter of an area's requests. Everything typed in is hostile: each bad value
gets a bilingual message (Indonesian / English), never an exception."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.contributions.models import Programme
from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.nik import NikError, parse_nik
from lindung.core.scope import actor_scope
from lindung.regions.models import Level, Region
from lindung.registrations import rules, selectors
from lindung.registrations.models import Payer, Registration, Status
from lindung.registry.models import Segment

# The consent text the person reads (UU 27/2022, docs/domain.md §9). Change the text, change
# the version: each request stores the version its person agreed to.
CONSENT_TEXT_VERSION = "2026-12"
CONSENT_TEXT = _(
    "Lindung, the Jamsostek platform of the provincial government, uses the data on this form "
    "(NIK, name, sex, birth date, village, occupation, income, phone, e-mail) to register you "
    "with BPJS Ketenagakerjaan and, if you ask for help, to consider you for a government "
    "subsidy or a company's CSR programme that may pay your contributions. Only the manpower "
    "officers of your area, your village operator and the BPJS Ketenagakerjaan branch see it; "
    "a sponsor who pays for you sees it masked. It is kept while your registration is processed "
    "and then as the record of your membership and of the contributions paid for you, no longer "
    "than the law requires. You may ask to see, correct or erase it and withdraw your consent "
    "(UU 27/2022 on Personal Data Protection)."
)
# What "Hitung iuran" needs; the other fields are only checked when registering.
SIMULATION_FIELDS = ("income", "jht")
MAX_INCOME = 1_000_000_000
MIN_BIRTH_DATE = dt.date(1900, 1, 1)
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]

_RUPIAH_PREFIX = re.compile(r"^rp\.?", re.IGNORECASE)
# (pattern, thousands separator): 1000000, 1.000.000(,00) as Indonesians write it, and
# 1,000,000(.00) as a phone set to English does.
_RUPIAH_FORMS = (
    (re.compile(r"([0-9]+)"), ""),
    (re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+)(?:,0{1,2})?"), "."),
    (re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+)(?:\.0{1,2})?"), ","),
)
_PHONE_NOISE = re.compile(r"[\s().-]")
_VILLAGE_DIGITS = re.compile(r"[0-9]{10}")

BAD_INCOME = bilingual(
    "Tulis penghasilan sebagai Rupiah bulat, misalnya 1.000.000",
    "Enter the income in whole Rupiah, e.g. 1.000.000",
)
BAD_VILLAGE_CODE = bilingual(
    "Kode desa terdiri dari 10 angka, misalnya 18.71.01.1003",
    "A village code has 10 digits, e.g. 18.71.01.1003",
)
UNKNOWN_VILLAGE = bilingual(
    "Tidak ada desa/kelurahan dengan kode ini",
    "No village has this code",
)
OUTSIDE_AREA = bilingual(
    "Desa ini di luar wilayah Anda",
    "This village is outside your area",
)
BAD_DATE = bilingual(
    "Tanggal tidak sah; tulis misalnya 17-05-1988",
    "Invalid date; write e.g. 17-05-1988",
)


def parse_rupiah(text: Any) -> int:
    """``"Rp 1.000.000"``, ``"1000000"``, ``"1,000,000"`` → 1000000; anything else (``"1,5"``,
    ``"-1"``, ``"1e6"``, words) raises ``ValidationError``."""
    cleaned = _RUPIAH_PREFIX.sub("", "".join(str(text or "").split()))
    for pattern, separator in _RUPIAH_FORMS:
        match = pattern.fullmatch(cleaned)
        if match:
            amount = int(match.group(1).replace(separator, "") if separator else match.group(1))
            break
    else:
        raise forms.ValidationError(BAD_INCOME, code="invalid")
    if amount <= 0 or amount > MAX_INCOME:
        raise forms.ValidationError(
            bilingual(
                "Penghasilan harus lebih dari 0 dan paling banyak Rp 1.000.000.000",
                "The income must be more than 0 and at most Rp 1.000.000.000",
            ),
            code="range",
        )
    return amount


def normalise_village_code(text: str) -> str:
    """``18.71.01.1003`` as typed, or its 10 digits without dots; spaces are dropped."""
    code = "".join((text or "").split())
    if _VILLAGE_DIGITS.fullmatch(code):
        code = f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
    return code


class RupiahField(forms.CharField):
    """A whole Rupiah amount typed the Indonesian way (``1.000.000``)."""

    max_chars = 30  # not ``max_length``: its validator would measure the parsed number

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > self.max_chars:
            raise forms.ValidationError(BAD_INCOME, code="invalid")
        return parse_rupiah(text)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": str(self.max_chars)}


class BirthDateField(forms.DateField):
    default_error_messages = {"invalid": BAD_DATE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value is not None and not MIN_BIRTH_DATE <= value <= timezone.localdate():
            raise forms.ValidationError(
                bilingual(
                    "Tanggal lahir harus antara 1900 dan hari ini",
                    "The birth date must be between 1900 and today",
                ),
                code="range",
            )


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")


class IdentityCleaning:
    """A person's ``nik`` and ``name`` fields cleaned the one way every form of a person does:
    a NIK that parses, a name with letters in it (spaces collapsed)."""

    cleaned_data: dict[str, Any]

    def clean_nik(self) -> str:
        try:
            return parse_nik(self.cleaned_data["nik"]).nik
        except NikError as exc:
            raise forms.ValidationError(str(exc), code="nik") from None

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not any(c.isalpha() for c in name):
            raise forms.ValidationError(
                bilingual("Tulis nama sesuai KTP", "Write the name as on the identity card"),
                code="name",
            )
        return name


class RegistrationForm(IdentityCleaning, forms.Form):
    """One BPU worker's registration. Without ``user`` (the public page) any village of the
    list; with a registering ``user`` only villages of their area, fixed for a village
    operator (a scope of one village)."""

    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("The 16 digits on the identity card (KTP)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("M", _("Male")), ("F", _("Female"))],
        widget=forms.RadioSelect,
    )
    birth_date = BirthDateField(label=_("Birth date"))
    village_code = forms.CharField(
        label=_("Village code"),
        max_length=20,
        help_text=_("The Kemendagri code of the village where you live, e.g. 18.71.01.1003"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "18.71.01.1003"}),
    )
    occupation = forms.CharField(
        label=_("Occupation"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. farmer, fisher, trader")}),
    )
    income = RupiahField(
        label=_("Declared monthly income (Rp)"),
        help_text=_("Whole Rupiah, e.g. 1.000.000"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1.000.000"}),
    )
    jht = forms.BooleanField(label=Programme.JHT.label, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    payer = forms.ChoiceField(
        label=_("Who pays the contributions?"),
        choices=[
            (Payer.SELF, _("I pay myself")),
            (Payer.HELP, _("I ask for help (a subsidy programme or a company may pay)")),
        ],
        initial=Payer.SELF,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("I have read the statement above and agree to it"),
        error_messages={
            "required": bilingual(
                "Centang persetujuan untuk mendaftar", "Tick the consent box to register"
            )
        },
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fixed_village = ""
        if user is not None:
            self.fields["payer"].choices = [
                (Payer.SELF, Payer.SELF.label),
                (Payer.HELP, Payer.HELP.label),
            ]
            self.fields["consent"].label = _(
                "The person has heard the statement above and agrees to it"
            )
            self.fields["village_code"].help_text = _("A village of your area, e.g. 18.71.01.1003")
            codes = actor_scope(user).region_codes
            if len(codes) == 1 and regioncodes.level_of(codes[0]) == Level.VILLAGE:
                self.fixed_village = codes[0]  # a village operator's own village
                self.fields["village_code"].initial = codes[0]
                self.fields["village_code"].widget.attrs["readonly"] = True
        _styled(self)

    def clean_occupation(self) -> str:
        return " ".join(self.cleaned_data["occupation"].split())

    def clean_village_code(self) -> Region:
        code = normalise_village_code(self.cleaned_data["village_code"])
        if not regioncodes.is_valid_code(code) or regioncodes.level_of(code) != Level.VILLAGE:
            raise forms.ValidationError(BAD_VILLAGE_CODE, code="village_code")
        village = Region.objects.filter(code=code, level=Level.VILLAGE, is_active=True).first()
        if village is None:
            raise forms.ValidationError(UNKNOWN_VILLAGE, code="unknown_village")
        if self.user is not None and not selectors.in_scope(self.user, code):
            raise forms.ValidationError(OUTSIDE_AREA, code="outside_area")
        return village

    def clean_phone(self) -> str:
        phone = _PHONE_NOISE.sub("", self.cleaned_data["phone"])
        digits = phone[1:] if phone.startswith("+") else phone
        if phone and not (digits.isascii() and digits.isdigit() and 8 <= len(digits) <= 15):
            raise forms.ValidationError(
                bilingual(
                    "Nomor telepon tidak sah, misalnya 0812 3456 7890",
                    "Invalid phone number, e.g. 0812 3456 7890",
                ),
                code="phone",
            )
        return phone

    def keep_errors_of(self, names: tuple[str, ...]) -> None:
        """Forget the errors of every field but ``names`` (a simulation needs only those)."""
        self.errors  # noqa: B018 - runs the validation once
        self._errors = ErrorDict({k: v for k, v in self._errors.items() if k in names})

    def simulation_ready(self) -> bool:
        self.keep_errors_of(SIMULATION_FIELDS)
        return not self._errors and self.cleaned_data.get("income") is not None

    def programmes(self) -> list[str]:
        return [*rules.BASE_PROGRAMMES, *(["JHT"] if self.cleaned_data.get("jht") else [])]

    def draft(self, first_month: dt.date) -> rules.Draft:
        data = self.cleaned_data
        return rules.Draft(
            segment=Segment.BPU,
            nik=data["nik"],
            name=data["name"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            village=data["village_code"],
            occupation=data["occupation"],
            wage=data["income"],
            programmes=self.programmes(),
            first_month=first_month,
        )


class StatusForm(forms.Form):
    """The reference and the person's birth date; never a NIK."""

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "placeholder": "LDG-XXXX-XXXX",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    birth_date = BirthDateField(label=_("Birth date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_reference(self) -> str:
        return "".join(self.cleaned_data["reference"].upper().split())


class RegistrationFilter(django_filters.FilterSet):
    """An area's requests by status (``?status=``); a bad value makes the filter invalid."""

    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))

    class Meta:
        model = Registration
        fields = ["status"]
