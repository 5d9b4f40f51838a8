"""Writes for accounts: organisations, users and their scope, API tokens, log-in lockouts.

Each checks who may do it, runs in one transaction and is audited (``AccountsAudit``). Users and
organisations are provisioned on the server (``lindung users``, the demo build) by the system or
an administrator; a user's own token is theirs (or an administrator's) to issue and revoke.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from lindung.accounts.audit import AccountsAudit
from lindung.accounts.models import Organisation, User
from lindung.core import regioncodes
from lindung.core.audit import record_audit, snapshot
from lindung.core.i18n import bilingual
from lindung.core.permissions import require_admin
from lindung.core.roles import REGION_ROLES, Role
from lindung.core.text import control_character_message, find_control_character
from lindung.regions.models import Region

# The level a region role's scope must sit at; a BPJS branch covers several regencies or a province.
SCOPE_LEVELS: dict[str, set[str]] = {
    Role.PROVINCE_OFFICER: {"province"},
    Role.REGENCY_OFFICER: {"regency"},
    Role.VILLAGE_OPERATOR: {"village"},
    Role.BPJS_BRANCH: {"province", "regency"},
    Role.AUDITOR: {"province", "regency"},
}
USER_FIELDS = ["username", "role", "organisation", "is_active", "first_name", "last_name", "email"]


@transaction.atomic
def create_organisation(
    *, actor: Any, name: str, kind: str, region_code: str | None = None
) -> Organisation:
    """An organisation (an office, employer, sponsor…), optionally located in a region."""
    require_admin(actor)
    organisation = Organisation(name=name, kind=kind)
    if region_code:
        organisation.region = Region.objects.get(code=region_code)
        organisation.assign_region_codes(region_code)
    organisation.full_clean()
    organisation.save()
    record_audit(
        actor=actor,
        action=AccountsAudit.ORGANISATION_CREATE,
        target=organisation,
        region_code=region_code or "",
        after=snapshot(organisation, ["name", "kind", "region"]),
    )
    return organisation


def _check_scope(role: str, codes: Sequence[str]) -> list[Region]:
    if role not in REGION_ROLES:
        if codes:
            raise ValidationError(
                bilingual(
                    "peran ini tidak memakai cakupan wilayah", "this role takes no region scope"
                )
            )
        return []
    if not codes:
        raise ValidationError(
            bilingual("peran ini wajib punya cakupan wilayah", "this role needs a region scope")
        )
    regions = list(Region.objects.filter(code__in=codes))
    found = {r.code for r in regions}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            bilingual(f"wilayah tidak dikenal: {unknown}", f"unknown regions: {unknown}")
        )
    allowed = SCOPE_LEVELS[role]
    wrong = [r.code for r in regions if r.level not in allowed]
    if wrong:
        raise ValidationError(
            bilingual(
                f"tingkat wilayah {wrong} tidak cocok untuk peran {role}",
                f"regions {wrong} are not at a level allowed for role {role} ({sorted(allowed)})",
            )
        )
    return regions


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    scope_codes: Sequence[str] = (),
    organisation: Organisation | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user whose role and region scope agree (a regency officer scoped to a regency…)."""
    require_admin(actor)
    if role not in Role.values:
        raise ValidationError(bilingual(f"peran tidak dikenal: {role}", f"unknown role: {role}"))
    regions = _check_scope(role, scope_codes)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.scope_regions.set(regions)
    after = snapshot(user, USER_FIELDS) | {"scope": sorted(r.code for r in regions)}
    record_audit(
        actor=actor,
        action=AccountsAudit.USER_CREATE,
        target=user,
        region_code=regioncodes.common_ancestor([r.code for r in regions]),
        after=after,
    )
    return user


@transaction.atomic(durable=True)
def add_user(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    scope_codes: Sequence[str] = (),
    organisation_name: str = "",
    organisation_kind: str = "",
    organisation_region: str | None = None,
    email: str = "",
) -> User:
    """``lindung users add``: the user and, when its organisation is named but missing, the
    organisation too, in one transaction (a refused user leaves no new organisation)."""
    require_admin(actor)
    organisation = None
    if organisation_name:
        organisation = Organisation.objects.filter(name=organisation_name).first()
        if organisation is None:
            if not organisation_kind:
                raise ValidationError(
                    bilingual(
                        "organisasi baru perlu --organisation-kind",
                        "--organisation-kind is needed for a new organisation",
                    )
                )
            organisation = create_organisation(
                actor=actor,
                name=organisation_name,
                kind=organisation_kind,
                region_code=organisation_region,
            )
    return create_user(
        actor=actor,
        username=username,
        password=password,
        role=role,
        scope_codes=scope_codes,
        organisation=organisation,
        email=email,
    )


@transaction.atomic(durable=True)
def set_scope(*, actor: Any, user: User, scope_codes: Sequence[str]) -> User:
    """Replace a user's region scope (administrators)."""
    require_admin(actor)
    regions = _check_scope(user.role, scope_codes)
    before = sorted(user.scope_region_codes())
    user.scope_regions.set(regions)
    user.__dict__.pop("_lindung_scope", None)  # actor_scope caches on the instance
    after = sorted(r.code for r in regions)
    record_audit(
        actor=actor,
        action=AccountsAudit.USER_SET_SCOPE,
        target=user,
        region_code=regioncodes.common_ancestor(before + after),
        before={"scope": before},
        after={"scope": after},
    )
    return user


def _require_self_or_admin(actor: Any, user: User) -> None:
    own = getattr(actor, "pk", None) is not None and actor.pk == user.pk
    if not (own and actor.is_active):
        require_admin(actor)


@transaction.atomic(durable=True)
def issue_api_token(*, actor: Any, user: User) -> Token:
    """Replace the user's API token with a new one (the old one stops working at once). The
    user or an administrator."""
    _require_self_or_admin(actor, user)
    had_token = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    record_audit(
        actor=actor,
        action=AccountsAudit.TOKEN_ISSUE,
        target=user,
        after={"replaced": had_token},
    )
    return token


@transaction.atomic(durable=True)
def revoke_api_token(*, actor: Any, user: User) -> bool:
    """Delete the user's API token (it stops working at once). The user or an administrator.
    Returns whether there was one."""
    _require_self_or_admin(actor, user)
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    record_audit(
        actor=actor,
        action=AccountsAudit.TOKEN_REVOKE,
        target=user,
        after={"revoked": revoked},
    )
    return revoked


@transaction.atomic(durable=True)
def unlock_login(*, actor: Any, username: str) -> int:
    """Lift the log-in lockout of ``username`` from every address before its cool-off ends
    (django-axes' failed attempts for that username are cleared). Administrators only; audited
    with the number of cleared records. Works for usernames without an account too: lockouts
    are kept for whatever was typed."""
    require_admin(actor)
    username = (username or "").strip()
    if not username:
        # axes.utils.reset without a username would clear every lockout.
        raise ValidationError(
            bilingual("isi nama pengguna yang akan dibuka", "give the username to unlock")
        )
    char = find_control_character(username)
    if char is not None:
        raise ValidationError(control_character_message(char))
    cleared = axes_reset(username=username)
    record_audit(
        actor=actor,
        action=AccountsAudit.LOGIN_UNLOCK,
        target=User.objects.filter(username=username).first(),
        object_type="accounts.user",
        object_repr=username,
        after={"username": username, "cleared": cleared},
    )
    return cleared
