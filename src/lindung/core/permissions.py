"""Capability checks shared by HTML views and the API. Row scope is the selectors' job."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from lindung.core.roles import Role, role_has


def user_role(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else getattr(user, "role", None)


def has_capability(user: Any, capability: str) -> bool:
    return role_has(user_role(user), capability)


def require_capability(user: Any, capability: str) -> None:
    """Raise PermissionDenied (HTTP 403) unless the user's role grants ``capability``."""
    if not has_capability(user, capability):
        raise PermissionDenied(capability)


class HasCapability(BasePermission):
    """DRF permission: ``permission_classes = [HasCapability.of("view_regions")]``."""

    capability: str = ""

    @classmethod
    def of(cls, capability: str) -> type[HasCapability]:
        return type(f"Has_{capability}", (cls,), {"capability": capability})

    def has_permission(self, request: Any, view: Any) -> bool:
        return has_capability(request.user, self.capability)
