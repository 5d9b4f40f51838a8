"""Audit rows, written by services inside their own transaction (docs/ARCHITECTURE.md "Audit").

Every action is a member of an app's ``AuditAction`` enumeration (``lindung/<app>/audit.py``), in
the manner of Zulip's ``AuditLogEventType``: the list of what can be audited is code, typed and
documented (docs/audit-events.md), never a free string.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.middleware import current_request_id
from lindung.core.models import AuditLog


class AuditAction(models.TextChoices):
    """Base of every app's audit actions; the value is stored in ``AuditLog.action``.

    An app declares ``class RegistryAudit(AuditAction): REVEAL = "registry.person.reveal",
    _("…")``; the label (Indonesian first through i18n) is what the audit log page shows.
    """


class CoreAudit(AuditAction):
    """What core itself audits: the download of an import's reject report (it names the rows of
    a file, some of them personal data, masked), a job cancelled or started again, and the file a
    job made (an export, a report) downloaded."""

    IMPORT_REJECT_REPORT = "import.reject_report", _("Import reject report downloaded")
    JOB_CANCEL = "core.job.cancel", _("Job cancelled")
    JOB_RETRY = "core.job.retry", _("Job started again")
    JOB_DOWNLOAD = "core.job.download", _("Job file downloaded")


def audit_actions() -> dict[str, AuditAction]:
    """Every declared action by value, from every app's ``audit`` module."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("lindung."):
            try:
                importlib.import_module(f"{config.name}.audit")
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.audit":
                    raise
    found: dict[str, AuditAction] = {}
    pending = list(AuditAction.__subclasses__())
    while pending:
        enum = pending.pop()
        pending.extend(enum.__subclasses__())
        for member in enum:
            found[member.value] = member
    return found


def action_label(value: str) -> str:
    """The readable label of a stored action value (the value itself if no longer declared)."""
    member = audit_actions().get(value)
    return str(member.label) if member is not None else value


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """Field values of ``instance`` as a JSON-safe dict (foreign keys by primary key)."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _json_safe(getattr(instance, attname))
    return data


def acting_user(actor: Any) -> Any:
    """The user row behind ``actor`` for "who" columns: None for anonymous callers and for the
    trusted system actor of the CLI and background jobs (``scope.SYSTEM``, which has no row)."""
    if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) is not None:
        return actor
    return None


def record_audit(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditLog:
    if not isinstance(action, AuditAction):
        # A free string would be an action nobody declared, listed or documented.
        raise TypeError(f"audit action {action!r} is not a member of an AuditAction enumeration")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)[:200]
    user = acting_user(actor)
    entry = AuditLog(
        actor=user,
        actor_label=user.get_username() if user else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        region_code=region_code,
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
        reason=reason,
        request_id=current_request_id(),
    )
    if region_code:
        entry.assign_region_codes(region_code)
    entry.save()
    return entry
