"""Users with role and region scope, audit of account changes, tokens, login, CLI and demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from lindung.accounts import services
from lindung.accounts.models import Organisation, OrganisationKind, User
from lindung.core.models import AuditLog
from lindung.core.roles import Role
from lindung.demo.services import demo_accounts, ensure_demo_accounts
from lindung.regions import services as region_services
from lindung.regions.models import Region
from tests.accounts.checks import check_demo_users
from tests.accounts.factories import PASSWORD

DATA = Path(settings.LINDUNG_REFERENCE_DATA)
ME = "/api/v1/me/"

pytestmark = pytest.mark.django_db


def make(role: str, scope: list[str], username: str = "budi", **kwargs) -> User:
    return services.create_user(
        actor=None, username=username, password=PASSWORD, role=role, scope_codes=scope, **kwargs
    )


def messages_of(error: ValidationError) -> str:
    text = " ".join(error.messages)
    assert " / " in text, f"not bilingual: {text}"
    return text


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.PROVINCE_OFFICER, ["18"]),
        (Role.REGENCY_OFFICER, ["18.71"]),
        (Role.REGENCY_OFFICER, ["18.71", "18.72"]),
        (Role.VILLAGE_OPERATOR, ["18.71.01.1003"]),
        (Role.BPJS_BRANCH, ["18"]),
        (Role.BPJS_BRANCH, ["18.71", "18.72"]),
        (Role.AUDITOR, ["18.71"]),
        (Role.EMPLOYER, []),
        (Role.SPONSOR, []),
        (Role.ADMIN, []),
    ],
)
def test_create_user_with_a_matching_scope(region_tree, role, scope) -> None:
    user = make(role, scope)
    user.refresh_from_db()
    assert user.role == role and sorted(user.scope_region_codes()) == sorted(scope)
    assert user.check_password(PASSWORD)
    assert user.is_superuser is (role == Role.ADMIN) and user.is_staff is (role == Role.ADMIN)


@pytest.mark.parametrize(
    ("role", "scope", "needle"),
    [
        (Role.REGENCY_OFFICER, ["18"], "not at a level allowed"),
        (Role.REGENCY_OFFICER, ["18.71.01"], "not at a level allowed"),
        (Role.REGENCY_OFFICER, ["18.71", "18"], "['18']"),
        (Role.VILLAGE_OPERATOR, ["18.71"], "not at a level allowed"),
        (Role.PROVINCE_OFFICER, ["18.71"], "not at a level allowed"),
        (Role.BPJS_BRANCH, ["18.71.01"], "not at a level allowed"),
        (Role.REGENCY_OFFICER, [], "needs a region scope"),
        (Role.VILLAGE_OPERATOR, [], "needs a region scope"),
        (Role.EMPLOYER, ["18.71"], "takes no region scope"),
        (Role.ADMIN, ["18"], "takes no region scope"),
        (Role.REGENCY_OFFICER, ["18.99"], "unknown regions: ['18.99']"),
        (Role.REGENCY_OFFICER, ["18.71", "1871"], "unknown regions: ['1871']"),
        ("mayor", [], "unknown role"),
    ],
)
def test_create_user_rejects_a_scope_that_does_not_fit_the_role(
    region_tree, role, scope, needle
) -> None:
    with pytest.raises(ValidationError) as caught:
        make(role, scope)
    assert needle in messages_of(caught.value)
    assert not User.objects.filter(username="budi").exists()
    assert not AuditLog.objects.exists()


def test_account_changes_are_audited_with_before_and_after(region_tree, make_user) -> None:
    admin = make_user(Role.ADMIN)
    organisation = services.create_organisation(
        actor=admin, name="Disnaker Uji", kind=OrganisationKind.REGENCY_OFFICE, region_code="18.71"
    )
    created = AuditLog.objects.get(action="accounts.organisation.create")
    assert created.after == {"name": "Disnaker Uji", "kind": "regency_office", "region": "18.71"}
    assert (created.regency_code, created.actor) == ("18.71", admin)

    user = make(
        Role.REGENCY_OFFICER, ["18.71", "18.72"], organisation=organisation, email="b@example.org"
    )
    entry = AuditLog.objects.get(action="accounts.user.create")
    assert entry.object_id == str(user.pk) and entry.object_type == "accounts.user"
    assert entry.after["scope"] == ["18.71", "18.72"]
    assert (
        entry.after["organisation"] == organisation.pk and entry.after["email"] == "b@example.org"
    )
    assert "password" not in entry.after
    assert entry.region_code == "18" and entry.actor_label == "system"  # common ancestor

    services.set_scope(actor=admin, user=user, scope_codes=["18.72"])
    scoped = AuditLog.objects.get(action="accounts.user.set_scope")
    assert (scoped.before, scoped.after) == ({"scope": ["18.71", "18.72"]}, {"scope": ["18.72"]})
    assert scoped.actor == admin and scoped.region_code == "18"
    assert User.objects.get(pk=user.pk).scope_region_codes() == ["18.72"]

    with pytest.raises(ValidationError) as caught:
        services.set_scope(actor=admin, user=user, scope_codes=["18"])
    messages_of(caught.value)
    assert User.objects.get(pk=user.pk).scope_region_codes() == ["18.72"]

    services.issue_api_token(actor=admin, user=user)
    services.issue_api_token(actor=user, user=user)
    tokens = AuditLog.objects.filter(action="accounts.token.issue").order_by("id")
    assert [t.after for t in tokens] == [{"replaced": False}, {"replaced": True}]
    assert [t.actor for t in tokens] == [admin, user]


def test_token_authentication_and_replacement(region_tree, make_user) -> None:
    user = make_user(Role.REGENCY_OFFICER, scope=["18.71"])
    old = services.issue_api_token(actor=user, user=user).key
    client = Client()
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {old}")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert response.json()["role"] == "regency_officer" and response.json()["scope"] == ["18.71"]

    new = services.issue_api_token(actor=user, user=user).key
    assert new != old and Token.objects.filter(user=user).count() == 1
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {new}").status_code == 200
    assert client.get(ME).status_code == 401
    assert client.get(ME, HTTP_AUTHORIZATION="Token not-a-real-key").status_code == 401


def test_token_of_an_inactive_user_is_refused(make_user) -> None:
    user = make_user(Role.EMPLOYER)
    key = services.issue_api_token(actor=None, user=user).key
    user.is_active = False
    user.save()
    assert Client().get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_login_and_logout(make_user) -> None:
    user = make_user(Role.EMPLOYER)
    client = Client()
    assert client.get("/akun/").status_code == 302
    wrong = client.post("/masuk/", {"username": user.username, "password": "nope"})
    assert wrong.status_code == 200 and 'id="login-error"' in wrong.content.decode()
    response = client.post("/masuk/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/akun/").status_code == 200
    assert client.get(ME).json()["username"] == user.username
    assert client.post("/keluar/").status_code == 302
    assert client.get("/akun/").status_code == 302
    assert client.get(ME).status_code in {401, 403}


def test_inactive_users_cannot_log_in(make_user) -> None:
    user = make_user(Role.EMPLOYER, is_active=False)
    client = Client()
    response = client.post("/masuk/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/akun/").status_code == 302


def test_users_add_command(region_tree, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NEW_USER_PASSWORD", "rahasia-uji-123")
    call_command(
        "users", "add", "sari", "--role", "regency_officer", "--scope", "18.71",
        "--organisation", "Disnaker Baru", "--organisation-kind", "regency_office",
        "--organisation-region", "18.71", "--email", "sari@example.org",
        "--password-env", "NEW_USER_PASSWORD",
    )  # fmt: skip
    user = User.objects.get(username="sari")
    assert user.check_password("rahasia-uji-123") and user.email == "sari@example.org"
    assert user.role == Role.REGENCY_OFFICER and user.scope_region_codes() == ["18.71"]
    assert user.organisation.name == "Disnaker Baru" and user.organisation.regency_code == "18.71"
    assert AuditLog.objects.get(action="accounts.user.create").request_id  # bound by the command

    call_command("users", "list")
    listed = capsys.readouterr().out
    assert "sari\tregency_officer\t18.71\tDisnaker Baru" in listed


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--role", "regency_officer", "--scope", "18"], "not at a level allowed"),
        (["--role", "village_operator", "--scope", "18.99.99.9999"], "unknown regions"),
        (["--role", "employer", "--organisation", "PT Baru"], "--organisation-kind"),
    ],
)
def test_users_add_command_refuses_bad_input(region_tree, monkeypatch, args, needle) -> None:
    monkeypatch.setenv("NEW_USER_PASSWORD", "rahasia-uji-123")
    with pytest.raises(CommandError, match=needle):
        call_command("users", "add", "sari", *args, "--password-env", "NEW_USER_PASSWORD")
    assert not User.objects.filter(username="sari").exists()


def test_users_add_command_refuses_an_empty_password(region_tree, monkeypatch) -> None:
    monkeypatch.delenv("NO_SUCH_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="empty password"):
        call_command(
            "users", "add", "sari", "--role", "employer", "--password-env", "NO_SUCH_PASSWORD"
        )


def test_demo_accounts_one_per_entry_and_idempotent() -> None:
    region_services.load_regions(DATA / "regions_lampung.csv")
    accounts = demo_accounts()
    assert ensure_demo_accounts() == [a.username for a in accounts]
    check_demo_users()
    village = next(a for a in accounts if a.role == Role.VILLAGE_OPERATOR).scope[0]
    assert village.startswith("18.71.01.") and Region.objects.get(code=village).level == "village"
    before = (User.objects.count(), Organisation.objects.count(), AuditLog.objects.count())
    assert ensure_demo_accounts() == []
    assert (User.objects.count(), Organisation.objects.count(), AuditLog.objects.count()) == before


@pytest.mark.parametrize("demo", [True, False])
def test_login_page_lists_every_demo_account_in_demo_mode_only(settings, demo) -> None:
    settings.LINDUNG_DEMO = demo
    region_services.load_regions(DATA / "regions_lampung.csv")
    body = Client().get("/masuk/").content.decode()
    accounts = demo_accounts()
    assert len(accounts) == 14
    for account in accounts:
        entry = f'<li data-username="{account.username}"><code class="demo-account">'
        assert (entry in body) is demo, account.username
    assert ('id="demo-accounts"' in body) is demo
    if demo:  # each with its role's label (Indonesian by default)
        assert body.count('class="demo-account"') == len(accounts) + 1  # and the password
        for account in accounts:
            label = str(Role(account.role).label)
            assert f"{account.username}</code> — {label}" in body, account.username
