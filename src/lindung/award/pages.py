"""What the organiser's pages (``organiser/``) and the portal (``portal/``) share: a form's
checked data or a refusal, and a write whose outcome becomes a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from lindung.award.services import AwardError
from lindung.core.i18n import bilingual


def valid_data(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or a refusal naming each field in error (shown as a message)."""
    if form.is_valid():
        return form.cleaned_data
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    raise AwardError("; ".join(parts))


def respond_to_write(
    request: HttpRequest, done: Callable[[], str], back: HttpResponse
) -> HttpResponse:
    """Run a write: its success text, or the refusal (a service's ``AwardError``, an invalid
    form, a code not found), becomes a message; then ``back``."""
    try:
        messages.success(request, done())
    except AwardError as exc:
        messages.error(request, str(exc))
    return back


def invalid_filters(filters: Any) -> str:
    """The message of a list's invalid filter parameters (each field's bilingual errors)."""
    parts = []
    for name, errors in filters.errors.items():
        label = filters.form.fields[name].label if name in filters.form.fields else name
        parts.append(f"{name} ({label}): {' '.join(errors)}")
    return bilingual("Saringan tidak sah", "Invalid filter") + ": " + "; ".join(parts)
