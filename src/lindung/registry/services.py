"""Audited registry actions: revealing a person, NIK lookups and exports (docs/ARCHITECTURE.md
"Audit").

Each writes one audit row in its own transaction. Audit rows never hold a full NIK, name, phone or
birth date: the person is named by its primary key and masked representation only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.core import regioncodes, text
from lindung.core.audit import acting_user, record_audit
from lindung.core.i18n import bilingual
from lindung.core.jobs import services as jobs
from lindung.core.models import AuditLog, Job
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.core.scope import actor_scope
from lindung.registry.audit import EXPORT_ACTIONS, RegistryAudit
from lindung.registry.masking import mask_nik
from lindung.registry.models import Person

REVEAL_ACTION = RegistryAudit.PERSON_REVEAL
LOOKUP_ACTION = RegistryAudit.PERSON_LOOKUP
EXPORT_KINDS = ("employers", "persons", "memberships")
EXPORT_FORMATS = ("csv", "xlsx")
# What a reveal shows of the one person (and of that person's memberships).
REVEALED_FIELDS = ["nik", "name", "birth_date", "phone", "kpj", "wage"]
MAX_REASON_LENGTH = 500


def clean_reason(reason: str | None) -> str:
    """The stated purpose of a reveal or export, as the audit row keeps it: required, one line
    without control characters, a statement (at least 10 characters, 2 words, 5 letters:
    ``core.text.meaningful_text_error``), at most 500 characters; inner spaces collapsed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("State the reason."), code="required")
    char = text.find_control_character(reason)
    if char is not None:
        raise ValidationError(text.control_character_message(char), code="control_character")
    reason = text.normalise_spaces(reason)
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            _("Keep the reason under %(n)s characters.") % {"n": MAX_REASON_LENGTH}, code="long"
        )
    problem = text.meaningful_text_error(reason)
    if problem:
        raise ValidationError(problem, code="meaningless")
    return reason


def actor_region(actor: Any, within: str = "") -> str:
    """Region an audit row is filed under, so the auditors of that region see it: the filtered
    region when it lies inside the actor's scope, else the common ancestor of the scope."""
    scope = actor_scope(actor)
    if within and regioncodes.is_valid_code(within) and scope.covers_region(within):
        return within
    return regioncodes.common_ancestor(list(scope.region_codes))


@transaction.atomic
def reveal_person(*, actor: Any, person: Person, reason: str) -> AuditLog:
    """Record that ``actor`` saw ``person`` unmasked, and why. The caller shows the data for this
    one response only; nothing is stored unmasked anywhere else."""
    require_capability(actor, Capability.REVEAL_PERSONAL_DATA)
    return record_audit(
        actor=actor,
        action=REVEAL_ACTION,
        target=person,
        region_code=person.village_code,
        reason=clean_reason(reason),
        after={"fields": REVEALED_FIELDS},
    )


@transaction.atomic
def record_nik_lookup(*, actor: Any, nik: str, person: Person | None, channel: str) -> AuditLog:
    """An exact-NIK search tells whether someone is in the registry: every one is logged
    (docs/domain.md §9), found or not, with the NIK masked."""
    require_capability(actor, Capability.VIEW_PERSONS)
    return record_audit(
        actor=actor,
        action=LOOKUP_ACTION,
        target=person,
        object_type="registry.person",
        object_repr=mask_nik(nik),
        region_code=person.village_code if person else actor_region(actor),
        after={"found": person is not None, "channel": channel},
    )


@transaction.atomic
def record_export(
    *,
    actor: Any,
    kind: str,
    fmt: str,
    filters: dict[str, str],
    row_count: int,
    reason: str,
) -> AuditLog:
    """One audit row per export: what was exported, in which format, filtered how, how many rows
    and why. Exports are always masked."""
    require_capability(actor, Capability.EXPORT_REGISTRY)
    if kind not in EXPORT_KINDS or fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export {kind}.{fmt}")
    return record_audit(
        actor=actor,
        action=EXPORT_ACTIONS[kind],
        object_type=f"registry.{kind}",
        object_repr=f"{kind}.{fmt} ({row_count})",
        region_code=actor_region(actor, filters.get("within", "")),
        reason=clean_reason(reason),
        after={"format": fmt, "filters": filters, "rows": row_count, "masked": True},
    )


def start_export(
    *,
    actor: Any,
    kind: str,
    fmt: str,
    filters: dict[str, str],
    row_count: int,
    reason: str,
    job_filters: dict[str, str],
    language: str,
    request_id: str = "",
) -> Job:
    """A large export for the worker: audited now, as if it were streamed (``record_export``),
    and queued as a job whose file only its owner downloads. One export of a kind per user at a
    time; ValidationError when one is running."""
    with transaction.atomic(durable=True):
        record_export(
            actor=actor, kind=kind, fmt=fmt, filters=filters, row_count=row_count, reason=reason
        )
        user = acting_user(actor)
        try:
            return jobs.submit(
                actor=actor,
                kind="registry.export",
                target=f"{kind}:{user.pk if user else 0}",
                label=bilingual(
                    f"Ekspor {kind}.{fmt} ({row_count:,} baris)".replace(",", "."),
                    f"Export {kind}.{fmt} ({row_count:,} rows)",
                ),
                work="lindung.registry.jobs.export",
                arguments={
                    "kind": kind,
                    "fmt": fmt,
                    "filters": job_filters,
                    "language": language,
                },
                region_code=actor_region(actor, filters.get("within", "")),
                request_id=request_id,
            )
        except jobs.JobBusy as exc:
            raise ValidationError(str(exc), code="busy") from exc
