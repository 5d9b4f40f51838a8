"""Writes of registration requests: submit (any channel), an officer's check, the hand-off to the
branch, its confirmation or rejection, and withdrawal. Each checks its capability, runs in one
durable transaction and records a typed audit event (the NIK masked)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.core.audit import acting_user, record_audit
from lindung.core.i18n import bilingual
from lindung.core.nik import mask_nik
from lindung.core.permissions import acting, require_capability
from lindung.core.roles import Capability
from lindung.core.scope import actor_scope
from lindung.programmes.services.plans import candidate_unchecked
from lindung.registrations import rules
from lindung.registrations.audit import RegistrationAudit
from lindung.registrations.models import (
    OPEN_STATUSES,
    Channel,
    Consent,
    Payer,
    Registration,
    Status,
)
from lindung.registry.models import Funding, Membership, Person, Segment

# Crockford's base32 without I, L, O, U: nothing to misread when said over the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CANDIDATE_SOURCE = "self-registration"
# The purpose a person consents to, stored with the version of the text they read.
CONSENT_PURPOSE = "Pendaftaran Jamsostek / Jamsostek registration"


class RegistrationError(Exception):
    """A request refused or a step that cannot be taken (bilingual reason)."""


@dataclass(frozen=True)
class ConsentGiven:
    text_version: str
    given_at: Any = None


def new_reference() -> str:
    """``LDG-XXXX-XXXX``: 40 random bits, so a reference cannot be guessed from another."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"LDG-{body[:4]}-{body[4:]}"


def _check_channel(actor: Any, channel: str, draft: rules.Draft) -> None:
    """Who may start a request on a channel, for whom."""
    if channel == Channel.SELF:
        if draft.segment != Segment.BPU:
            raise RegistrationError(
                bilingual("pendaftaran mandiri hanya BPU", "self-registration is BPU only")
            )
        return
    require_capability(actor, Capability.REGISTER_WORKERS)
    user = acting(actor)
    if channel == Channel.EMPLOYER:
        owner = getattr(user, "organisation_id", None)
        if draft.employer is None or owner is None or draft.employer.owner_id != owner:
            raise PermissionDenied
    elif not actor_scope(user).covers_region(draft.village.code):
        raise PermissionDenied


def submit(
    *,
    actor: Any,
    channel: str,
    draft: rules.Draft,
    payer: str,
    phone: str = "",
    email: str = "",
    consent: ConsentGiven | None = None,
) -> Registration:
    """Check and store a request. Refusals (an invalid NIK, an active participant, an open
    request, funded months) raise ``RegistrationError`` and store nothing; warnings (a wage
    under the minimum, a missing programme, a NIK that disagrees) go with the request, which
    then waits for an officer's check (``submitted``); without warnings it is ``checked``. A
    self-registration needs the person's consent; one who asks for help becomes a candidate of
    the programmes' and the CSR matching's pool for their village."""
    _check_channel(actor, channel, draft)
    if channel == Channel.SELF and consent is None:
        raise RegistrationError(bilingual("persetujuan diperlukan", "consent is required"))
    try:
        rules.refuse(draft)
        rules.warn(draft)
        contribution = rules.price(draft)
    except rules.Refused as exc:
        raise RegistrationError(str(exc)) from None
    request = Registration(
        reference=new_reference(),
        channel=channel,
        status=Status.SUBMITTED if draft.warnings else Status.CHECKED,
        segment=draft.segment,
        nik=draft.nik,
        name=draft.name.strip()[:150],
        birth_date=draft.birth_date,
        sex=draft.sex,
        village=draft.village,
        occupation=draft.occupation.strip()[:100],
        wage=draft.wage,
        programmes=" ".join(draft.programmes),
        first_month=draft.first_month,
        employer=draft.employer,
        payer=payer,
        monthly_contribution=contribution,
        warnings=draft.warnings,
        phone=phone.strip()[:20],
        email=email.strip()[:254],
        requested_by=acting_user(actor),
    )
    request.assign_region_codes(draft.village.code)
    try:
        with transaction.atomic(durable=True):
            request.save()
            if consent is not None:
                Consent.objects.create(
                    request=request,
                    purpose=CONSENT_PURPOSE,
                    text_version=consent.text_version,
                    given_at=consent.given_at or timezone.now(),
                )
            candidate = None
            if payer == Payer.HELP:
                candidate, _ = candidate_unchecked(
                    nik=draft.nik,
                    name=request.name,
                    sex=draft.sex,
                    birth_date=draft.birth_date,
                    village=draft.village,
                    occupation=request.occupation,
                    source=CANDIDATE_SOURCE,
                )
            _audit(actor, RegistrationAudit.SUBMIT, request, candidate=candidate)
    except IntegrityError:  # a concurrent request for the same NIK and segment won
        raise RegistrationError(
            bilingual(
                "sudah ada pendaftaran yang sedang diproses untuk NIK ini",
                "a registration for this NIK is already being processed",
            )
        ) from None
    return request


def _audit(actor: Any, action: RegistrationAudit, request: Registration, **extra: Any):
    after = {
        "reference": request.reference,
        "nik": mask_nik(request.nik),
        "channel": request.channel,
        "status": request.status,
    }
    if extra.get("candidate") is not None:
        after["candidate"] = extra.pop("candidate").pk
    after.update({k: v for k, v in extra.items() if v is not None})
    return record_audit(
        actor=actor,
        action=action,
        target=request,
        region_code=request.village_code,
        after=after,
    )


def _locked(request: Registration, allowed: tuple[str, ...]) -> Registration:
    row = Registration.objects.select_for_update().get(pk=request.pk)
    if row.status not in allowed:
        raise RegistrationError(
            bilingual(
                f"langkah ini tidak mungkin pada status {row.status}",
                f"this step is not possible in status {row.status}",
            )
        )
    return row


def check(*, actor: Any, request: Registration) -> Registration:
    """An officer has looked at the warnings: ``submitted`` → ``checked``."""
    require_capability(actor, Capability.PROCESS_REGISTRATIONS)
    with transaction.atomic(durable=True):
        row = _locked(request, (Status.SUBMITTED,))
        row.status = Status.CHECKED
        row.save(update_fields=["status"])
        _audit(actor, RegistrationAudit.CHECK, row)
    return row


def send(*, actor: Any, requests: list[Registration]) -> int:
    """The branch takes the checked requests over (its registration file): ``sent``."""
    require_capability(actor, Capability.PROCESS_REGISTRATIONS)
    now = timezone.now()
    with transaction.atomic(durable=True):
        rows = list(
            Registration.objects.select_for_update()
            .filter(pk__in=[r.pk for r in requests], status=Status.CHECKED)
            .order_by("pk")
        )
        for row in rows:
            row.status, row.sent_at = Status.SENT, now
            row.save(update_fields=["status", "sent_at"])
            _audit(actor, RegistrationAudit.SEND, row)
    return len(rows)


def confirm(*, actor: Any, request: Registration, kpj: str) -> Registration:
    """The branch registered the person under ``kpj``: the membership is created (or the one
    with that KPJ linked) from the request's first month; the person is created when new."""
    require_capability(actor, Capability.PROCESS_REGISTRATIONS)
    kpj = kpj.strip()
    if not kpj or len(kpj) > 20:
        raise RegistrationError(bilingual("KPJ tidak sah", "invalid KPJ"))
    with transaction.atomic(durable=True):
        row = _locked(request, (Status.SENT,))
        row.membership = _membership(row, kpj)
        row.status, row.kpj, row.decided_at = Status.CONFIRMED, kpj, timezone.now()
        row.save(update_fields=["membership", "status", "kpj", "decided_at"])
        _audit(actor, RegistrationAudit.CONFIRM, row, membership=row.membership.pk)
    return row


FUNDING_OF = {Payer.SELF: Funding.SELF, Payer.EMPLOYER: Funding.EMPLOYER, Payer.HELP: Funding.SELF}


def _membership(row: Registration, kpj: str) -> Membership:
    existing = Membership.objects.filter(kpj=kpj, start_date=row.first_month).first()
    if existing is not None:
        return existing
    person = Person.objects.filter(nik=row.nik).first()
    if person is None:
        person = Person(
            nik=row.nik,
            name=row.name,
            sex=row.sex,
            birth_date=row.birth_date,
            domicile=row.village,
            occupation=row.occupation,
            phone=row.phone,
        )
        person.assign_region_codes(row.village_id)
        person.save()
    chosen = set(row.programmes.split())
    membership = Membership(
        person=person,
        employer=row.employer,
        segment=row.segment,
        kpj=kpj,
        wage=row.wage,
        work_region=row.employer.village if row.employer else row.village,
        start_date=row.first_month,
        funding=FUNDING_OF.get(row.payer, Funding.SELF),
        **{p.lower(): p in chosen for p in ("JKK", "JKM", "JHT", "JP", "JKP")},
    )
    membership.assign_region_codes(membership.work_region.code)
    membership.save()
    return membership


def reject(*, actor: Any, request: Registration, reason: str) -> Registration:
    """The branch refused the request, for ``reason``."""
    require_capability(actor, Capability.PROCESS_REGISTRATIONS)
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise RegistrationError(bilingual("alasan diperlukan", "a reason is required"))
    with transaction.atomic(durable=True):
        row = _locked(request, (Status.SENT,))
        row.status, row.branch_reason, row.decided_at = Status.REJECTED, reason, timezone.now()
        row.save(update_fields=["status", "branch_reason", "decided_at"])
        _audit(actor, RegistrationAudit.REJECT, row)
    return row


def withdraw(*, actor: Any, request: Registration) -> Registration:
    """Withdraw an open request: the one who started it, or a processing officer."""
    user = acting_user(actor)
    if user is None or user.pk != request.requested_by_id:
        require_capability(actor, Capability.PROCESS_REGISTRATIONS)
    with transaction.atomic(durable=True):
        row = _locked(request, OPEN_STATUSES)
        row.status, row.decided_at = Status.WITHDRAWN, timezone.now()
        row.save(update_fields=["status", "decided_at"])
        _audit(actor, RegistrationAudit.WITHDRAW, row)
    return row
