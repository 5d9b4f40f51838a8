from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lindung.core.filters import AuditLogFilter
from lindung.core.models import AuditLog
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.core.scope import ScopedQuerySet


def audit_log_for(user: Any) -> ScopedQuerySet:
    """Audit entries the user may read: auditors and admins only, within their region scope."""
    require_capability(user, Capability.VIEW_AUDIT)
    return AuditLog.objects.for_actor(user).select_related("actor")


def audit_log_filtered(user: Any, params: Mapping[str, Any]) -> AuditLogFilter:
    """The audit log as its page and its API filter it, newest first."""
    return AuditLogFilter(params, queryset=audit_log_for(user).order_by("-created_at", "-id"))
