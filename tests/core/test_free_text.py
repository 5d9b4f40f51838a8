"""Free text (issue 17 item 11): a reveal needs a real reason, and control characters are refused
in every text field — form fields, serializer fields, and what views read straight from the
request — with a bilingual message, never a 500."""

from __future__ import annotations

import json

import pytest
from django import forms
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import serializers

from lindung.accounts.models import User
from lindung.core.models import AuditLog
from lindung.core.text import (
    ControlCharacterValidator,
    find_control_character,
    meaningful_text_error,
)
from lindung.registry import services as registry_services
from tests.registry.factories import OWN_VILLAGE, PersonFactory

MIDDLEWARE = "lindung.core.text.ControlCharacterMiddleware"
REASON = "Verifikasi pengaduan peserta"
# Every C0 control but tab, line feed and carriage return, and DEL.
ALWAYS_REFUSED = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]
LINE_BREAKS = ["\t", "\n", "\r"]
FINE = [
    "Siti Aminah",
    "Desa Sukamaju, RT 03/RW 01",
    "Kopi Gayo — Rp 25.000",
    "café ✓ 😊",
    "ab\u00a0cd",
]


def bilingual(message: str) -> str:
    assert " / " in message, f"not bilingual: {message}"
    return message


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ALWAYS_REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_are_refused_in_any_field(char):
    for multiline in (False, True):
        assert find_control_character(f"Budi{char}Santoso", multiline=multiline) == char
        with pytest.raises(ValidationError) as caught:
            ControlCharacterValidator(multiline=multiline)(f"Budi{char}Santoso")
        message = bilingual(caught.value.messages[0])
        assert f"U+{ord(char):04X}" in message and "control character" in message


@pytest.mark.parametrize("char", LINE_BREAKS, ids=repr)
def test_tab_and_line_breaks_only_in_multi_line_fields(char):
    ControlCharacterValidator(multiline=True)(f"baris satu{char}baris dua")
    with pytest.raises(ValidationError) as caught:
        ControlCharacterValidator(multiline=False)(f"baris satu{char}baris dua")
    assert "single line" in bilingual(caught.value.messages[0])


@pytest.mark.parametrize("text", FINE)
def test_ordinary_text_passes(text):
    ControlCharacterValidator()(text)
    ControlCharacterValidator(multiline=True)(text)


# --- one hook: every form field and every serializer field -------------------------------------


class NoteForm(forms.Form):
    title = forms.CharField(max_length=100)
    body = forms.CharField(widget=forms.Textarea, required=False)
    email = forms.EmailField(required=False)


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]


class NoteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    body = serializers.CharField(style={"base_template": "textarea.html"}, required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["first_name", "username"]


def test_every_form_char_field_refuses_control_characters():
    form = NoteForm({"title": "Rapat\x1b[31m desa", "body": "Baris satu\r\nbaris dua\tok"})
    assert not form.is_valid()
    assert list(form.errors) == ["title"]
    assert "U+001B" in bilingual(form.errors["title"][0])

    form = NoteForm({"title": "Rapat\ndesa", "body": "bel\x07"})
    assert not form.is_valid() and set(form.errors) == {"title", "body"}
    assert "single line" in form.errors["title"][0] and "U+0007" in form.errors["body"][0]

    assert NoteForm({"title": "Rapat desa", "body": "Baris satu\nbaris dua"}).is_valid()
    # Model forms and subclasses of CharField get it too (the check is made in __init__).
    user_form = UserForm({"first_name": "Bu\x00di", "last_name": "Santoso\x7f"})
    assert not user_form.is_valid() and {"first_name", "last_name"} <= set(user_form.errors)
    assert any("U+007F" in e for e in user_form.errors["last_name"])


@pytest.mark.django_db  # the username's uniqueness check reads the table
def test_every_serializer_char_field_refuses_control_characters():
    data = {"title": "Rapat\x08 desa", "body": "a\nb\tc", "tags": ["ok", "ja\x1dm"]}
    serializer = NoteSerializer(data=data)
    assert not serializer.is_valid()
    assert set(serializer.errors) == {"title", "tags"}
    assert "U+0008" in bilingual(str(serializer.errors["title"][0]))
    assert "U+001D" in str(serializer.errors["tags"])
    assert NoteSerializer(data={"title": "Rapat desa", "body": "a\nb\tc"}).is_valid()
    serializer = NoteSerializer(data={"title": "Rapat\ndesa"})
    assert not serializer.is_valid() and "single line" in str(serializer.errors["title"][0])
    # Fields made from model fields, including ones with validators of their own.
    serializer = UserSerializer(data={"first_name": "Bu\x01di", "username": "bu\x02di"})
    assert not serializer.is_valid() and set(serializer.errors) == {"first_name", "username"}


def test_the_middleware_is_installed_after_csrf_and_authentication():
    middleware = django_settings.MIDDLEWARE
    assert MIDDLEWARE in middleware, f"add {MIDDLEWARE!r} to MIDDLEWARE"
    position = middleware.index(MIDDLEWARE)
    assert position > middleware.index("django.middleware.csrf.CsrfViewMiddleware")
    assert position > middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")


# --- what views read without a form ------------------------------------------------------------


@pytest.fixture
def checked(settings):
    """The middleware in place, whatever settings.py lists."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    return settings


@pytest.mark.django_db
def test_raw_query_and_form_values_are_checked_before_the_view(client, checked):
    response = client.get(reverse("core:home"), {"q": "Budi\x01"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="bad-input"' in body and 'id="nav-coverage"' in body  # the site's layout
    assert "karakter kendali U+0001" in body and "control character U+0001" in body
    assert "«q»" in body
    # Line breaks and tabs are allowed here: the middleware does not know single-line fields.
    assert client.get(reverse("core:home"), {"q": "a\tb\r\nc"}).status_code == 200
    response = client.post(reverse("accounts:login"), {"username": "bu\x00di", "password": "x"})
    assert response.status_code == 400


@pytest.fixture
def reveal_world(region_tree, make_user):
    person = PersonFactory(domicile=region_tree[OWN_VILLAGE])
    return {"person": person, "officer": make_user("regency_officer")}


@pytest.mark.django_db
def test_a_json_body_is_checked_too(client, checked, reveal_world):
    client.force_login(reveal_world["officer"])
    url = reverse("api:person-reveal", args=[reveal_world["person"].pk])
    response = client.post(
        url, json.dumps({"reason": "Verifikasi\u0007 pengaduan"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "reason" and "U+0007" in bilingual(response.json()["detail"])
    assert not AuditLog.objects.filter(action=registry_services.REVEAL_ACTION).exists()


# --- reveal reasons ----------------------------------------------------------------------------

MEANINGLESS = [
    "x",
    "xx",
    "1234567890",
    "aaaaaaaaaa",
    "a b c d e f",
    "x.........",
    "   -   ",
    "ok ok",
]
MEANINGFUL = [REASON, "Cek NIK ok", "Pengaduan no. 12/2025", "Audit data BPU 2024"]


@pytest.mark.parametrize("reason", MEANINGLESS)
def test_a_token_reason_is_not_a_reason(reason):
    assert meaningful_text_error(reason.strip()) is not None
    with pytest.raises(ValidationError) as caught:
        registry_services.clean_reason(reason)
    bilingual(caught.value.messages[0])


@pytest.mark.parametrize("reason", MEANINGFUL)
def test_a_stated_purpose_passes(reason):
    assert registry_services.clean_reason(f"  {reason}  ") == reason


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\n", "\t"], ids=repr)
def test_a_reason_holds_no_control_characters(char):
    with pytest.raises(ValidationError) as caught:
        registry_services.clean_reason(f"Verifikasi{char}pengaduan peserta")
    assert f"U+{ord(char):04X}" in bilingual(caught.value.messages[0])


def reveals() -> int:
    return AuditLog.objects.filter(action=registry_services.REVEAL_ACTION).count()


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["x", "Verifikasi\x01 pengaduan peserta", "1234567890"])
def test_the_reveal_page_refuses_a_meaningless_reason(client, reveal_world, reason):
    person = reveal_world["person"]
    client.force_login(reveal_world["officer"])
    url = reverse("registry:person-detail", args=[person.pk])
    response = client.post(url, {"reason": reason})
    body = response.content.decode()
    assert response.status_code == 400 and person.nik not in body
    assert " / " in body and reveals() == 0
    assert client.post(url, {"reason": REASON}).status_code == 200 and reveals() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["x", "Verifikasi\x01 pengaduan peserta", "ab ab"])
def test_the_reveal_api_refuses_a_meaningless_reason(client, reveal_world, reason):
    person = reveal_world["person"]
    client.force_login(reveal_world["officer"])
    url = reverse("api:person-reveal", args=[person.pk])
    response = client.post(url, {"reason": reason})
    assert response.status_code == 400
    assert person.nik not in response.content.decode() and reveals() == 0
    data = response.json()
    # From the serializer or the service; from the middleware once it is installed.
    bilingual(str(data["reason"][0]) if "reason" in data else data["detail"])
    entry_reason = "  Verifikasi   pengaduan peserta "
    assert client.post(url, {"reason": entry_reason}).status_code == 200
    assert AuditLog.objects.get(action=registry_services.REVEAL_ACTION).reason == REASON
