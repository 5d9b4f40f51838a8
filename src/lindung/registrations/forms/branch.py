"""The branch's forms: the stated reason for taking a registration file (full NIKs)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lindung.registry.services import MAX_REASON_LENGTH, clean_reason


class RegistrationFileForm(forms.Form):
    """Why the file is taken, as the audit row keeps it (the registry export's reason rules:
    a statement of at least 10 characters and 2 words, one line, at most 500 characters)."""

    reason = forms.CharField(
        label=_("Reason for taking the file"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean_reason(self) -> str:
        try:
            return clean_reason(self.cleaned_data["reason"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None
