"""The preferences form: one checkbox per event and optional channel, and the phone number that
SMS/WhatsApp messages go to."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core.i18n import bilingual
from lindung.notifications.events import OPTIONAL_CHANNELS, NotificationEvent

PHONE = re.compile(r"\+?[0-9]{8,15}")


def field_name(event: str, channel: str) -> str:
    return f"{event.replace('.', '__')}__{channel}"


class PreferencesForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number for SMS/WhatsApp"),
        required=False,
        max_length=20,
        help_text=_("International or local form, e.g. +6281234567890."),
    )

    def __init__(self, *args: Any, table: list[tuple[Any, dict[str, bool]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rows = []
        for event, channels in table:
            names = []
            for channel in OPTIONAL_CHANNELS:
                name = field_name(event.value, channel.value)
                self.fields[name] = forms.BooleanField(
                    required=False,
                    initial=channels[channel.value],
                    label=f"{event.label}: {channel.label}",
                )
                names.append(name)
            self.rows.append((event, names))

    def clean_phone(self) -> str:
        phone = "".join(self.cleaned_data["phone"].split()).replace("-", "")
        if phone and not PHONE.fullmatch(phone):
            raise forms.ValidationError(
                bilingual(
                    "Nomor ponsel: 8–15 angka, boleh diawali +.",
                    "Mobile number: 8–15 digits, optionally starting with +.",
                )
            )
        return phone

    def choices(self) -> dict[tuple[str, str], bool]:
        return {
            (event.value, channel.value): bool(
                self.cleaned_data.get(field_name(event.value, channel.value))
            )
            for event in NotificationEvent
            for channel in OPTIONAL_CHANNELS
        }

    def bound_rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(event, [self[name] for name in names]) for event, names in self.rows]
