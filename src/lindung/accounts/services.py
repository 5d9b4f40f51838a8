"""Writes for accounts: organisations, users and their scope, API tokens. Each is audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from lindung.accounts.models import Organisation, User
from lindung.core import regioncodes
from lindung.core.audit import record_audit, snapshot
from lindung.core.i18n import bilingual
from lindung.core.permissions import user_role
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
    organisation = Organisation(name=name, kind=kind)
    if region_code:
        organisation.region = Region.objects.get(code=region_code)
        organisation.assign_region_codes(region_code)
    organisation.full_clean()
    organisation.save()
    record_audit(
        actor=actor,
        action="accounts.organisation.create",
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
        action="accounts.user.create",
        target=user,
        region_code=regioncodes.common_ancestor([r.code for r in regions]),
        after=after,
    )
    return user


@transaction.atomic
def set_scope(*, actor: Any, user: User, scope_codes: Sequence[str]) -> User:
    regions = _check_scope(user.role, scope_codes)
    before = sorted(user.scope_region_codes())
    user.scope_regions.set(regions)
    user.__dict__.pop("_lindung_scope", None)  # actor_scope caches on the instance
    after = sorted(r.code for r in regions)
    record_audit(
        actor=actor,
        action="accounts.user.set_scope",
        target=user,
        region_code=regioncodes.common_ancestor(before + after),
        before={"scope": before},
        after={"scope": after},
    )
    return user


@transaction.atomic
def issue_api_token(*, actor: Any, user: User) -> Token:
    """Replace the user's API token with a new one (the old one stops working at once)."""
    had_token = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    record_audit(
        actor=actor,
        action="accounts.token.issue",
        target=user,
        after={"replaced": had_token},
    )
    return token


def _require_admin(actor: Any) -> None:
    if user_role(actor) != Role.ADMIN:
        raise PermissionDenied("admin")


@transaction.atomic
def revoke_api_token(*, actor: Any, user: User) -> bool:
    """Delete the user's API token (it stops working at once). The user or an administrator.
    Returns whether there was one."""
    own = getattr(actor, "pk", None) is not None and actor.pk == user.pk
    if not own:
        _require_admin(actor)
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    record_audit(
        actor=actor,
        action="accounts.token.revoke",
        target=user,
        after={"revoked": revoked},
    )
    return revoked


@transaction.atomic
def unlock_login(*, actor: Any, username: str) -> int:
    """Lift the log-in lockout of ``username`` from every address before its cool-off ends
    (django-axes' failed attempts for that username are cleared). Administrators only; audited
    with the number of cleared records. Works for usernames without an account too: lockouts
    are kept for whatever was typed."""
    _require_admin(actor)
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
        action="accounts.login.unlock",
        target=User.objects.filter(username=username).first(),
        object_type="accounts.user",
        object_repr=username,
        after={"username": username, "cleared": cleared},
    )
    return cleared
