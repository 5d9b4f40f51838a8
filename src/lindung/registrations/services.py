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


def prepare(draft: rules.Draft) -> int:
    """Check ``draft`` (refusals raise ``RegistrationError``; warnings go into the draft) and
    price its first month."""
    try:
        rules.refuse(draft)
        rules.warn(draft)
        return rules.price(draft)
    except rules.Refused as exc:
        raise RegistrationError(str(exc)) from None


def new_request(
    *,
    actor: Any,
    channel: str,
    draft: rules.Draft,
    payer: str,
    contribution: int,
    phone: str = "",
    email: str = "",
) -> Registration:
    """The request for a prepared ``draft``, unsaved: ``checked`` without warnings, else
    ``submitted`` (an officer looks at the warnings first)."""
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
    return request


def store_unchecked(
    *, actor: Any, request: Registration, consent: ConsentGiven | None = None
) -> Registration:
    """Save ``request`` inside the caller's transaction (a savepoint: a lost race for the NIK
    raises IntegrityError and leaves the caller's transaction usable), with its consent; one who
    asks for help becomes a programme candidate; ``registrations.submit`` audited."""
    with transaction.atomic():
        request.save()
        if consent is not None:
            Consent.objects.create(
                request=request,
                purpose=CONSENT_PURPOSE,
                text_version=consent.text_version,
                given_at=consent.given_at or timezone.now(),
            )
        candidate = None
        if request.payer == Payer.HELP:
            candidate, _ = candidate_unchecked(
                nik=request.nik,
                name=request.name,
                sex=request.sex,
                birth_date=request.birth_date,
                village=request.village,
                occupation=request.occupation,
                source=CANDIDATE_SOURCE,
            )
        _audit(actor, RegistrationAudit.SUBMIT, request, candidate=candidate)
    return request


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
    contribution = prepare(draft)
    request = new_request(
        actor=actor,
        channel=channel,
        draft=draft,
        payer=payer,
        contribution=contribution,
        phone=phone,
        email=email,
    )
    try:
        with transaction.atomic(durable=True):
            store_unchecked(actor=actor, request=request, consent=consent)
    except IntegrityError:  # a concurrent request for the same NIK and segment won
        raise RegistrationError(
            bilingual(
                "sudah ada pendaftaran yang sedang diproses untuk NIK ini",
                "a registration for this NIK is already being processed",
            )
        ) from None
    return request


def _audit(
    actor: Any, action: RegistrationAudit, request: Registration, *, reason: str = "", **extra: Any
):
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
        reason=reason,
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
    with transaction.atomic(durable=True):
        return len(send_unchecked(actor=actor, requests=requests))


def confirm(*, actor: Any, request: Registration, kpj: str) -> Registration:
    """The branch registered the person under ``kpj``: the membership is created (or the one
    with that KPJ linked) from the request's first month; the person is created when new."""
    require_capability(actor, Capability.PROCESS_REGISTRATIONS)
    with transaction.atomic(durable=True):
        return confirm_unchecked(actor=actor, request=request, kpj=kpj)


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
    with transaction.atomic(durable=True):
        return reject_unchecked(actor=actor, request=request, reason=reason)


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


# --- Steps inside a caller's transaction (the branch's registration file and answer file) --------
# The caller has checked ``Capability.PROCESS_REGISTRATIONS`` and holds the transaction: the
# registration file sends its requests in the transaction that writes the file, the confirmation
# import confirms a chunk of rows in the chunk's transaction. Same writes and audit rows as
# ``send``, ``confirm`` and ``reject``.

SEND_BATCH = 2000


def send_unchecked(
    *, actor: Any, requests: list[Registration], reason: str = "", file_format: str = ""
) -> list[Registration]:
    """``send`` without its capability check and its own transaction: the ``checked`` requests
    among ``requests`` become ``sent`` (locked first; one that moved meanwhile is left out).
    Returns the requests sent, in ``requests``' order. Each audit row (``registrations.send``)
    also keeps the stated ``reason`` of the file's download and the file's format."""
    now = timezone.now()
    sent: dict[int, Registration] = {}
    ids = [r.pk for r in requests]
    for start in range(0, len(ids), SEND_BATCH):
        rows = (
            Registration.objects.select_for_update()
            .filter(pk__in=ids[start : start + SEND_BATCH], status=Status.CHECKED)
            .order_by("pk")
        )
        for row in rows:
            row.status, row.sent_at = Status.SENT, now
            row.save(update_fields=["status", "sent_at"])
            _audit(actor, RegistrationAudit.SEND, row, reason=reason, file=file_format or None)
            sent[row.pk] = row
    for request in requests:
        if request.pk in sent:
            request.status, request.sent_at = Status.SENT, now
    return [r for r in requests if r.pk in sent]


def confirm_unchecked(*, actor: Any, request: Registration, kpj: str) -> Registration:
    """``confirm`` inside the caller's transaction: the membership under ``kpj`` from the
    request's first month (the person created when new), ``registrations.confirm`` audited.
    Raises ``RegistrationError`` for an invalid KPJ or a request that is not ``sent``."""
    kpj = kpj.strip()
    if not kpj or len(kpj) > 20:
        raise RegistrationError(bilingual("KPJ tidak sah", "invalid KPJ"))
    row = _locked(request, (Status.SENT,))
    row.membership = _membership(row, kpj)
    row.status, row.kpj, row.decided_at = Status.CONFIRMED, kpj, timezone.now()
    row.save(update_fields=["membership", "status", "kpj", "decided_at"])
    _audit(actor, RegistrationAudit.CONFIRM, row, membership=row.membership.pk)
    return row


def reject_unchecked(*, actor: Any, request: Registration, reason: str) -> Registration:
    """``reject`` inside the caller's transaction, ``registrations.reject`` audited."""
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise RegistrationError(bilingual("alasan diperlukan", "a reason is required"))
    row = _locked(request, (Status.SENT,))
    row.status, row.branch_reason, row.decided_at = Status.REJECTED, reason, timezone.now()
    row.save(update_fields=["status", "branch_reason", "decided_at"])
    _audit(actor, RegistrationAudit.REJECT, row)
    return row
