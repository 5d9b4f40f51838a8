"""Capability checks shared by HTML views and the API. Row scope is the selectors' job."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from lindung.core.roles import Role, role_has
from lindung.core.scope import SYSTEM


def user_role(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else getattr(user, "role", None)


def has_capability(user: Any, capability: str) -> bool:
    return role_has(user_role(user), capability)


def acting(actor: Any) -> Any:
    """The actor a write service checks: ``None`` is the trusted caller inside the server (the
    CLI, the demo builder, background jobs, fixtures), i.e. ``SYSTEM``. Web requests always pass
    ``request.user`` — an anonymous visitor is ``AnonymousUser``, never ``None``."""
    return SYSTEM if actor is None else actor


def require_capability(user: Any, capability: str) -> None:
    """Raise PermissionDenied (HTTP 403) unless the actor's role grants ``capability``."""
    if not has_capability(acting(user), capability):
        raise PermissionDenied(capability)


def require_admin(user: Any) -> None:
    """Raise PermissionDenied unless ``user`` is an administrator (or ``SYSTEM``): for the
    operator's own writes that no capability names (accounts, reference data)."""
    if user_role(acting(user)) != Role.ADMIN:
        raise PermissionDenied("admin")


class HasCapability(BasePermission):
    """DRF permission: ``permission_classes = [HasCapability.of("view_regions")]``."""

    capability: str = ""

    @classmethod
    def of(cls, capability: str) -> type[HasCapability]:
        return type(f"Has_{capability}", (cls,), {"capability": capability})

    def has_permission(self, request: Any, view: Any) -> bool:
        return has_capability(request.user, self.capability)
