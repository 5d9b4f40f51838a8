"""Brute-force protection (issue 17 item 3): log-in lockout per account and address with an
audited unlock by administrators, API throttles that also slow down token guessing, expiring
and revocable API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.views import APIView

from lindung.accounts import services
from lindung.accounts.authentication import ExpiringTokenAuthentication
from lindung.accounts.throttling import AnonRateThrottle, UserRateThrottle
from lindung.core.models import AuditLog
from lindung.core.roles import Role
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
LOCKOUT_CALLABLE = "lindung.accounts.views.locked_out"
AUTHENTICATION = "lindung.accounts.authentication.ExpiringTokenAuthentication"
THROTTLES = [
    "lindung.accounts.throttling.AnonRateThrottle",
    "lindung.accounts.throttling.UserRateThrottle",
]


def test_settings_wire_the_protections() -> None:
    """The pieces below are only protection once the settings name them."""
    rest = django_settings.REST_FRAMEWORK
    assert rest["DEFAULT_AUTHENTICATION_CLASSES"][0] == AUTHENTICATION
    assert (
        "rest_framework.authentication.TokenAuthentication"
        not in (rest["DEFAULT_AUTHENTICATION_CLASSES"])
    )
    assert rest["DEFAULT_THROTTLE_CLASSES"] == THROTTLES
    assert django_settings.AXES_LOCKOUT_CALLABLE == LOCKOUT_CALLABLE


# --- log-in lockout ----------------------------------------------------------------------------


@pytest.fixture
def lockout(settings):
    settings.AXES_LOCKOUT_CALLABLE = LOCKOUT_CALLABLE
    settings.AXES_FAILURE_LIMIT = 5
    return settings


def log_in(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def lock(client: Client, username: str, address: str = "127.0.0.1") -> None:
    for attempt in range(1, 31):
        response = log_in(client, username, f"salah-{attempt}", address)
        expected = 200 if attempt < django_settings.AXES_FAILURE_LIMIT else 429
        assert response.status_code == expected, attempt


def test_repeated_failures_lock_the_account_from_that_address(lockout, make_user) -> None:
    user = make_user(Role.EMPLOYER)
    client = Client()
    lock(client, user.username)  # 30 wrong passwords: locked from the fifth on

    response = log_in(client, user.username, PASSWORD)
    body = response.content.decode()
    assert response.status_code == 429, "the right password logged in during the lockout"
    assert int(response["Retry-After"]) == 30 * 60
    assert 'id="login-locked"' in body and 'id="nav-coverage"' in body  # the site's layout
    assert "Terlalu banyak percobaan masuk yang gagal" in body  # Indonesian …
    assert "Too many failed log-ins for this account from this address" in body  # … and English
    assert "30 menit" in body and "30 minutes" in body
    assert client.get(reverse("accounts:profile")).status_code == 302  # not logged in
    assert "_auth_user_id" not in client.session

    # The lock is per account and address: the same account elsewhere, another account here.
    elsewhere = Client()
    assert log_in(elsewhere, user.username, PASSWORD, "10.1.2.3").status_code == 302
    other = make_user(Role.EMPLOYER)
    assert log_in(Client(), other.username, PASSWORD).status_code == 302
    assert log_in(Client(), user.username, PASSWORD).status_code == 429  # still locked here


def test_a_success_before_the_limit_resets_the_count(lockout, make_user) -> None:
    user = make_user(Role.EMPLOYER)
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(Client(), user.username, "salah").status_code == 200
    assert log_in(Client(), user.username, PASSWORD).status_code == 302
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(Client(), user.username, "salah").status_code == 200
    assert log_in(Client(), user.username, PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_login_and_it_is_audited(lockout, make_user) -> None:
    user = make_user(Role.EMPLOYER)
    bystander = make_user(Role.EMPLOYER)
    lock(Client(), user.username)
    lock(Client(), bystander.username)
    admin = make_user(Role.ADMIN)
    staff = Client()
    staff.force_login(admin)

    page = staff.get(reverse("accounts:lockouts"))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'data-username="{user.username}" class="table-danger"' in body
    assert f"<code>{user.username}</code>" in body

    response = staff.post(reverse("accounts:unlock"), {"username": user.username})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:lockouts")
    entry = AuditLog.objects.get(action="accounts.login.unlock")
    assert entry.actor == admin and entry.object_id == str(user.pk)
    assert entry.after == {"username": user.username, "cleared": 1}

    client = Client()
    assert log_in(client, user.username, PASSWORD).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    # Only that username: the other lockout stays.
    assert log_in(Client(), bystander.username, PASSWORD).status_code == 429


def test_unlocking_is_for_administrators_and_needs_a_username(lockout, make_user) -> None:
    user = make_user(Role.EMPLOYER)
    lock(Client(), user.username)
    for role in (Role.PROVINCE_OFFICER, Role.AUDITOR, Role.EMPLOYER):
        with pytest.raises(PermissionDenied):
            services.unlock_login(actor=make_user(role), username=user.username)
    with pytest.raises(PermissionDenied):
        services.unlock_login(actor=AnonymousUser(), username=user.username)
    admin = make_user(Role.ADMIN)
    for blank in ("", "   "):
        # axes.utils.reset(username="") would have cleared every lockout.
        with pytest.raises(ValidationError) as caught:
            services.unlock_login(actor=admin, username=blank)
        assert " / " in caught.value.messages[0]
    assert AccessAttempt.objects.filter(username=user.username).exists()
    assert not AuditLog.objects.filter(action="accounts.login.unlock").exists()
    # A username without an account can be locked (whatever was typed) and unlocked.
    assert services.unlock_login(actor=admin, username="tidak-ada") == 0
    entry = AuditLog.objects.get(action="accounts.login.unlock")
    assert entry.object_id == "" and entry.object_repr == "tidak-ada"


# --- API throttles -----------------------------------------------------------------------------


@pytest.fixture
def api_security(settings, monkeypatch):
    """The API with this item's authentication and throttles, whatever settings.py lists (DRF
    binds ``APIView.*_classes`` when it is imported), at small rates, on an empty cache."""
    monkeypatch.setattr(
        APIView, "authentication_classes", [ExpiringTokenAuthentication, SessionAuthentication]
    )
    monkeypatch.setattr(APIView, "throttle_classes", [AnonRateThrottle, UserRateThrottle])
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "5/minute", "user": "3/minute"},
    }
    cache.clear()  # DRF throttles count in the default cache
    yield settings
    cache.clear()


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    detail = response.json()["detail"]
    assert "terlalu banyak permintaan" in detail and "too many requests" in detail
    assert " / " in detail
    assert 1 <= int(response["Retry-After"]) <= 60


def test_random_tokens_are_throttled_after_the_anonymous_rate(api_security, make_user) -> None:
    user = make_user(Role.EMPLOYER)
    good = services.issue_api_token(actor=user, user=user).key
    client = Client()
    for attempt in range(5):
        response = client.get(
            ME,
            HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}",
            # A new forwarded-for address each time must not make a new client.
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
        assert response.status_code == 401, attempt
        assert response.json()["detail"] == "token API tidak dikenal / unknown API token"
    for _ in range(45):
        assert_throttled(client.get(ME, HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}"))
    # Until the window passes, this address is not even allowed to try a right token …
    assert_throttled(client.get(ME, HTTP_AUTHORIZATION=f"Token {good}"))
    # … while other addresses are not affected.
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {good}", REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200


def test_each_user_is_throttled_at_the_user_rate(api_security, make_user) -> None:
    first, second = make_user(Role.EMPLOYER), make_user(Role.EMPLOYER)
    keys = {u: services.issue_api_token(actor=u, user=u).key for u in (first, second)}
    client = Client()
    for _ in range(3):
        assert client.get(ME, HTTP_AUTHORIZATION=f"Token {keys[first]}").status_code == 200
    assert_throttled(client.get(ME, HTTP_AUTHORIZATION=f"Token {keys[first]}"))
    # Per user, not per address: the second user from the same address still gets through.
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {keys[second]}").status_code == 200
    # The session counts for the same user.
    session = Client()
    session.force_login(first)
    assert_throttled(session.get(ME))


# --- API token expiry and revocation -----------------------------------------------------------


def age(key: str, days: float) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=days))


def test_a_token_older_than_the_limit_is_refused(api_security, settings, make_user) -> None:
    settings.API_TOKEN_DAYS = 90
    user = make_user(Role.EMPLOYER)
    key = services.issue_api_token(actor=user, user=user).key
    client = Client()
    age(key, 89.9)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    age(key, 90.1)
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    detail = response.json()["detail"]
    assert "token API kedaluwarsa sejak" in detail and "the API token expired on" in detail
    assert "/akun/" in detail
    with pytest.raises(AuthenticationFailed):
        ExpiringTokenAuthentication().authenticate_credentials(key)
    settings.API_TOKEN_DAYS = 0  # never expire
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_account_page_shows_the_expiry_and_revokes_the_token(
    api_security, settings, make_user
) -> None:
    settings.API_TOKEN_DAYS = 90
    user = make_user(Role.EMPLOYER)
    client = Client()
    client.force_login(user)
    assert 'id="revoke-token"' not in client.get(reverse("accounts:profile")).content.decode()
    assert client.post(reverse("accounts:issue-token")).status_code == 302
    token = Token.objects.get(user=user)
    expires = timezone.localdate(token.created + dt.timedelta(days=90)).isoformat()
    body = client.get(reverse("accounts:profile")).content.decode()
    assert f"berlaku sampai {expires}" in body and 'id="revoke-token"' in body
    age(token.key, 100)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "kedaluwarsa pada" in body

    assert client.post(reverse("accounts:revoke-token")).status_code == 302
    assert not Token.objects.filter(user=user).exists()
    assert Client().get(ME, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    entry = AuditLog.objects.get(action="accounts.token.revoke")
    assert entry.actor == user and entry.after == {"revoked": True}
    body = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="revoke-token"' not in body and 'id="issue-token"' in body


def test_only_the_user_or_an_administrator_revokes_a_token(make_user) -> None:
    user = make_user(Role.EMPLOYER)
    services.issue_api_token(actor=user, user=user)
    with pytest.raises(PermissionDenied):
        services.revoke_api_token(actor=make_user(Role.PROVINCE_OFFICER), user=user)
    assert Token.objects.filter(user=user).exists()
    assert services.revoke_api_token(actor=make_user(Role.ADMIN), user=user) is True
    assert services.revoke_api_token(actor=user, user=user) is False
