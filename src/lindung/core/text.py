"""Free text coming in: control characters are refused everywhere, and a stated purpose (the
reason of a reveal or export) must say something.

Control characters are the C0 range (U+0000–U+001F) and DEL (U+007F). Tab, line feed and carriage
return are allowed in multi-line fields only. They are refused at two places, both installed
once, not field by field:

* every ``django.forms.CharField`` and every DRF ``serializers.CharField`` (and their subclasses:
  model-form fields, filter fields, admin fields, serializer fields made from model fields) gets
  :class:`ControlCharacterValidator` when it is made (:func:`install_field_validators`, called by
  ``CoreConfig.ready``). A field is multi-line when its widget is a ``Textarea`` (forms) or its
  style is ``textarea.html`` (DRF: what model ``TextField``\\ s become). The error sits on the
  field like any other validation error.
* :class:`ControlCharacterMiddleware` checks what views read straight from ``request.POST`` /
  ``request.GET`` or a JSON body without a form: every submitted value, before the view runs,
  allowing tab and line breaks (a middleware cannot know which fields are single-line).
  Multipart bodies of ``csrf_exempt`` views are not read there: see the middleware.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.deconstruct import deconstructible

from lindung.core.i18n import bilingual

# C0 and DEL; the multi-line set leaves out tab (09), line feed (0A) and carriage return (0D).
SINGLE_LINE_CONTROL = re.compile("[\x00-\x1f\x7f]")
MULTI_LINE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = {"\t": ("tab", "tab"), "\n": ("ganti baris", "line break")}
_LINE_BREAKS["\r"] = _LINE_BREAKS["\n"]


def find_control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first control character of ``value`` that the field may not hold, or None."""
    found = (MULTI_LINE_CONTROL if multiline else SINGLE_LINE_CONTROL).search(value)
    return found.group() if found else None


def control_character_message(char: str, field: str = "") -> str:
    """Bilingual, naming the character by its code point (it is invisible) and the field."""
    where_id = f" di kolom «{field}»" if field else ""
    where_en = f" in the field «{field}»" if field else ""
    if char in _LINE_BREAKS:
        name_id, name_en = _LINE_BREAKS[char]
        return bilingual(
            f"kolom ini hanya satu baris: hapus {name_id} (U+{ord(char):04X}){where_id}",
            f"this field takes a single line: remove the {name_en} (U+{ord(char):04X}){where_en}",
        )
    return bilingual(
        f"teks berisi karakter kendali U+{ord(char):04X} yang tidak diizinkan{where_id}; "
        "hapus karakter itu (sering terbawa saat menyalin)",
        f"the text holds the control character U+{ord(char):04X}, which is not allowed"
        f"{where_en}; remove it (it often comes along when copying)",
    )


@deconstructible
class ControlCharacterValidator:
    """Refuses C0 control characters and DEL; tab and line breaks only in multi-line fields.
    Values that are not text (a parsed JSON field, a UUID) pass untouched."""

    code = "control_character"

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        char = find_control_character(value, multiline=self.multiline)
        if char is not None:
            raise ValidationError(control_character_message(char), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


def _add_validator(init: Callable[..., None], is_multiline: Callable[[Any], bool]):
    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.validators.append(ControlCharacterValidator(multiline=is_multiline(self)))

    __init__._lindung_control_characters = True  # type: ignore[attr-defined]
    return __init__


def install_field_validators() -> None:
    """Give every Django form ``CharField`` and DRF ``CharField`` the control-character check,
    the way both frameworks already add their own null-character check in ``__init__``.
    Idempotent; called once from ``CoreConfig.ready``."""
    from django import forms
    from rest_framework import fields

    if not getattr(forms.CharField.__init__, "_lindung_control_characters", False):
        forms.CharField.__init__ = _add_validator(  # type: ignore[method-assign]
            forms.CharField.__init__, lambda f: isinstance(f.widget, forms.Textarea)
        )
    if not getattr(fields.CharField.__init__, "_lindung_control_characters", False):
        fields.CharField.__init__ = _add_validator(  # type: ignore[method-assign]
            fields.CharField.__init__, lambda f: f.style.get("base_template") == "textarea.html"
        )


# --- requests -------------------------------------------------------------------------------


def _json_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from _json_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{i}]")


def submitted_values(
    request: HttpRequest, *, read_multipart: bool = True
) -> Iterator[tuple[str, str]]:
    """(field, value) of everything a client typed: query string, form fields, JSON body;
    field names too. Uploaded files are not text and are left to the importers' checks.
    ``read_multipart=False`` leaves a multipart body unread (see the middleware)."""
    content_type = request.content_type or ""
    sources = [request.GET]
    if content_type != "multipart/form-data" or read_multipart:
        sources.append(request.POST)
    for data in sources:
        for key, values in data.lists():
            yield key, key
            for value in values:
                yield key, value
    if "json" in content_type:
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return  # the view's parser reports malformed JSON
        yield from _json_strings(body)


def refused_field(request: HttpRequest, *, read_multipart: bool = True) -> tuple[str, str] | None:
    """(field, character) of the first submitted value holding a control character."""
    for field, value in submitted_values(request, read_multipart=read_multipart):
        char = find_control_character(value, multiline=True)
        if char is not None:
            return field, char
    return None


class ControlCharacterMiddleware:
    """Answers 400 with a bilingual message when any submitted value holds a control character
    other than tab and line breaks. Runs as a view middleware: after CSRF and authentication,
    only for requests that reach a view, and before the view reads anything.

    A multipart body is read only where ``CsrfViewMiddleware`` has read it already: not for
    ``csrf_exempt`` views, which is what a view that installs its own upload handlers must be
    (the import upload's size limit) and what DRF views are (their serializer fields check)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        found = refused_field(request, read_multipart=not getattr(view, "csrf_exempt", False))
        if found is None:
            return None
        field, char = found
        message = control_character_message(char, field)
        if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
            return JsonResponse({"detail": message, "field": field}, status=400)
        return render(request, "core/bad_input.html", {"message": message}, status=400)


# --- stated purposes ------------------------------------------------------------------------

REASON_MIN_CHARS = 10
REASON_MIN_LETTERS = 5
REASON_MIN_WORDS = 2


def normalise_spaces(value: str) -> str:
    return " ".join(value.split())


def meaningful_text_error(value: str) -> str | None:
    """Why ``value`` (already trimmed) is not a statement, or None. A statement has at least
    10 characters, 2 words (a word: 2 letters or more) and 5 letters in all; so ``x``,
    ``1234567890``, ``aaaaaaaaaa``, ``a b c d e f`` and ``x.........`` are refused, and
    "Verifikasi pengaduan" and "Cek NIK ok" pass."""
    words = [w for w in value.split() if sum(c.isalpha() for c in w) >= 2]
    letters = sum(c.isalpha() for c in value)
    if (
        len(value) < REASON_MIN_CHARS
        or len(words) < REASON_MIN_WORDS
        or letters < REASON_MIN_LETTERS
    ):
        return bilingual(
            f"tulis alasan yang jelas: minimal {REASON_MIN_CHARS} karakter, {REASON_MIN_WORDS} "
            f"kata dan {REASON_MIN_LETTERS} huruf, mis. «Verifikasi pengaduan peserta»",
            f"state a real reason: at least {REASON_MIN_CHARS} characters, {REASON_MIN_WORDS} "
            f"words and {REASON_MIN_LETTERS} letters, e.g. «Verifying a member's complaint»",
        )
    return None
