"""Writes to the register (issue 21): paying bodies, workers, a regency's category rules,
budget lines, the reconciliation with the registry, and sending the uncovered as registration
requests. Each checks ``MANAGE_PUBLIC_WORKERS`` and the body's region scope, runs in one
transaction and records a typed audit event (NIKs masked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.nik import NikError, mask_nik, parse_nik
from lindung.core.permissions import acting, require_capability
from lindung.core.roles import Capability, Role
from lindung.core.scope import actor_scope
from lindung.publicworkers.audit import PublicWorkerAudit
from lindung.publicworkers.models import (
    BodyKind,
    BudgetLine,
    Category,
    CategoryRule,
    PayingBody,
    PublicWorker,
    ReconciliationStatus,
    WageBasis,
)
from lindung.publicworkers.reconcile import reconcile, subjects_of
from lindung.publicworkers.rules import RuleBook
from lindung.regions.models import Region
from lindung.registrations import services as registrations
from lindung.registrations.models import OPEN_STATUSES, Channel, Payer, Registration
from lindung.registrations.models import Status as RequestStatus
from lindung.registrations.rules import Draft
from lindung.registry.models import Segment


class PublicWorkerError(ValueError):
    """A refused write, with a bilingual message."""


def _require_body(actor: Any, body: PayingBody) -> None:
    require_capability(actor, Capability.MANAGE_PUBLIC_WORKERS)
    if not actor_scope(acting(actor)).covers_region(body.region_id):
        raise PermissionDenied(body.code)


# --- Paying bodies --------------------------------------------------------------------------


def village_body_code(village_code: str) -> str:
    return f"DESA-{village_code}"


def save_body(
    *, actor: Any, code: str, name: str, kind: str, region: Region, employer: Any = None
) -> PayingBody:
    """Create or change a paying body of the actor's area (a village government's code is
    ``DESA-<village code>``)."""
    code, name = code.strip().upper(), " ".join(name.split())
    if not code or len(code) > 40 or not name:
        raise PublicWorkerError(
            bilingual("kode dan nama badan wajib", "a body needs a code and a name")
        )
    expected = {
        BodyKind.VILLAGE: "village",
        BodyKind.REGENCY_OFFICE: "regency",
        BodyKind.PROVINCE_OFFICE: "province",
    }.get(kind)
    if expected is None or region.level != expected:
        raise PublicWorkerError(
            bilingual(
                "jenis badan tidak sesuai wilayahnya", "the body's kind does not fit its region"
            )
        )
    body = PayingBody.objects.filter(code=code).first() or PayingBody(code=code)
    if body.pk and body.region_id != region.code:
        raise PublicWorkerError(bilingual("kode badan sudah dipakai", "the body code is taken"))
    body.name, body.kind, body.region, body.employer = name[:200], kind, region, employer
    body.assign_region_codes(region.code)
    _require_body(actor, body)
    with transaction.atomic(durable=True):
        body.save()
        record_audit(
            actor=actor,
            action=PublicWorkerAudit.BODY,
            target=body,
            region_code=region.code,
            after={"code": body.code, "kind": kind},
        )
    return body


def village_body(village: Region) -> PayingBody:
    """The village government of ``village``, created on first use (inside the caller's
    transaction: it is the register's container, not a decision anyone makes)."""
    body = PayingBody.objects.filter(code=village_body_code(village.code)).first()
    if body is None:
        body = PayingBody(
            code=village_body_code(village.code),
            name=f"Pemerintah Desa {village.name}",
            kind=BodyKind.VILLAGE,
            region=village,
        )
        body.assign_region_codes(village.code)
        body.save()
    return body


# --- Workers --------------------------------------------------------------------------------


@dataclass
class WorkerData:
    """A worker's cleaned values (a form's or a file row's)."""

    nik: str
    name: str
    birth_date: dt.date
    sex: str
    village: Region
    category: Category
    honorarium: int
    budget_source: str
    listed_from: dt.date
    listed_until: dt.date | None = None


def check_worker(data: WorkerData) -> None:
    """Refusals common to the form and the file: a NIK that is not one, a negative honorarium,
    a listing that ends before it starts. (A birth date or sex the NIK contradicts is kept as
    stated, as every person list does: the NIK can be the wrong one.)"""
    try:
        parse_nik(data.nik)
    except NikError as exc:
        raise PublicWorkerError(str(exc)) from None
    if data.honorarium < 0:
        raise PublicWorkerError(bilingual("honorarium negatif", "negative honorarium"))
    if data.listed_until is not None and data.listed_until <= data.listed_from:
        raise PublicWorkerError(
            bilingual(
                "tanggal berhenti harus setelah tanggal mulai",
                "the end date must be after the start date",
            )
        )


def apply_worker(worker: PublicWorker, body: PayingBody, data: WorkerData) -> bool:
    """Copy ``data`` onto ``worker`` of ``body``; whether anything changed."""
    values = {
        "name": " ".join(data.name.split())[:150],
        "birth_date": data.birth_date,
        "sex": data.sex,
        "village_id": data.village.code,
        "category_id": data.category.code,
        "honorarium": data.honorarium,
        "budget_source": data.budget_source,
        "listed_from": data.listed_from,
        "listed_until": data.listed_until,
    }
    changed = worker.pk is None or any(getattr(worker, k) != v for k, v in values.items())
    for key, value in values.items():
        setattr(worker, key, value)
    worker.body, worker.nik = body, data.nik
    worker.assign_region_codes(body.region_id)
    return changed


def save_worker(*, actor: Any, body: PayingBody, data: WorkerData) -> PublicWorker:
    """Enter or change one person of ``body``'s register, reconciled at once."""
    _require_body(actor, body)
    check_worker(data)
    with transaction.atomic(durable=True):
        worker = PublicWorker.objects.filter(body=body, nik=data.nik).first() or PublicWorker()
        if apply_worker(worker, body, data):
            worker.save()
            record_audit(
                actor=actor,
                action=PublicWorkerAudit.SAVE,
                target=worker,
                region_code=body.region_id,
                after={"nik": mask_nik(worker.nik), "category": worker.category_id},
            )
        refresh_unchecked(PublicWorker.objects.filter(pk=worker.pk))
    worker.refresh_from_db()
    return worker


def remove_worker(*, actor: Any, worker: PublicWorker, on: dt.date | None = None) -> PublicWorker:
    """Take a person off the register from ``on`` (today): kept, so past coverage holds."""
    _require_body(actor, worker.body)
    on = on or timezone.localdate()
    if on <= worker.listed_from:
        raise PublicWorkerError(
            bilingual(
                "tanggal berhenti harus setelah tanggal mulai",
                "the end date must be after the start date",
            )
        )
    with transaction.atomic(durable=True):
        worker.listed_until = on
        worker.save(update_fields=["listed_until", "updated_at"])
        record_audit(
            actor=actor,
            action=PublicWorkerAudit.REMOVE,
            target=worker,
            region_code=worker.body.region_id,
            after={"nik": mask_nik(worker.nik), "until": on.isoformat()},
        )
    return worker


# --- Rules and budget lines -------------------------------------------------------------------


def set_rule(
    *,
    actor: Any,
    category: Category,
    regency: Region,
    segment: str,
    programmes: list[str],
    wage_basis: str,
    wage_amount: int | None,
    source: str,
    confidence: str = "◐",
) -> CategoryRule:
    """A regency's own rule for a category (its officers, for their regency only)."""
    require_capability(actor, Capability.MANAGE_PUBLIC_WORKERS)
    if regency.level != "regency" or not actor_scope(acting(actor)).covers_region(regency.code):
        raise PermissionDenied(regency.code)
    if segment not in (Segment.PU, Segment.BPU) or not programmes:
        raise PublicWorkerError(
            bilingual("segmen atau program tidak sah", "invalid segment or programmes")
        )
    if wage_basis == WageBasis.FIXED and not (wage_amount and wage_amount > 0):
        raise PublicWorkerError(
            bilingual("jumlah upah tetap wajib", "a fixed wage needs an amount")
        )
    if not source.strip():
        raise PublicWorkerError(bilingual("sumber aturan wajib", "a rule needs its source"))
    with transaction.atomic(durable=True):
        rule, _ = CategoryRule.objects.update_or_create(
            category=category,
            regency=regency,
            defaults={
                "segment": segment,
                "programmes": " ".join(programmes),
                "wage_basis": wage_basis,
                "wage_amount": wage_amount if wage_basis == WageBasis.FIXED else None,
                "source": source.strip()[:300],
                "confidence": confidence[:1],
            },
        )
        record_audit(
            actor=actor,
            action=PublicWorkerAudit.RULE,
            target=rule,
            region_code=regency.code,
            after={"category": category.code, "segment": segment},
        )
        refresh_unchecked(PublicWorker.objects.filter(regency_code=regency.code, category=category))
    return rule


def set_budget_line(
    *,
    actor: Any,
    body: PayingBody,
    category: Category,
    fiscal_year: int,
    planned: int,
    realised: int,
) -> BudgetLine:
    _require_body(actor, body)
    if planned < 0 or realised < 0 or not 2015 <= fiscal_year <= 2100:
        raise PublicWorkerError(bilingual("anggaran tidak sah", "invalid budget line"))
    with transaction.atomic(durable=True):
        line, _ = BudgetLine.objects.update_or_create(
            body=body,
            category=category,
            fiscal_year=fiscal_year,
            defaults={"planned": planned, "realised": realised},
        )
        record_audit(
            actor=actor,
            action=PublicWorkerAudit.BUDGET,
            target=line,
            region_code=body.region_id,
            after={"year": fiscal_year, "planned": planned, "realised": realised},
        )
    return line


# --- Reconciliation ------------------------------------------------------------------------

WRITE_BATCH = 5_000
STORED = ("status", "kpj", "paid_through", "monthly_contribution", "reconciled_on")


def refresh_unchecked(workers: Any, on: dt.date | None = None) -> int:
    """Reconcile ``workers`` on ``on`` (today) and store each one's outcome and monthly
    contribution; only rows that changed are written. Returns how many changed."""
    on = on or timezone.localdate()
    book = RuleBook()
    pairs = list(subjects_of(workers, book))
    outcomes = reconcile((s for s, _row in pairs), on)
    current = {
        r["id"]: r for r in workers.values("id", *STORED).order_by().iterator(chunk_size=5_000)
    }
    changed: list[tuple[Any, ...]] = []
    month = on.replace(day=1)
    for subject, row in pairs:
        outcome = outcomes[subject.id]
        rule = book.rule(row["category_id"], row["body__regency_code"])
        contribution = book.monthly(rule, row["honorarium"], month) if rule else 0
        values = (outcome.status, outcome.kpj, outcome.paid_through, contribution, on)
        if any(current[subject.id][k] != v for k, v in zip(STORED, values, strict=True)):
            changed.append((*values, subject.id))
    _store(changed)
    return len(changed)


def _store(changed: list[tuple[Any, ...]]) -> None:
    """Write (status, kpj, paid_through, monthly_contribution, reconciled_on, id) rows.

    Django's ``bulk_update`` builds a CASE per column and row (about 2 ms a row in Python: 500,000
    rows took longer than a per-person loop), so this is one statement per batch on PostgreSQL
    (an UPDATE joined to ``unnest`` of arrays) and a prepared UPDATE run per row on SQLite —
    both about 10× faster (docs/benchmarks.md). The table name is the model's, never input."""
    table = connection.ops.quote_name(PublicWorker._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(changed), WRITE_BATCH):
            batch = changed[start : start + WRITE_BATCH]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS w SET status = v.status, kpj = v.kpj, "  # noqa: S608
                    "paid_through = v.paid_through, monthly_contribution = v.mc, "
                    "reconciled_on = v.ro FROM unnest(%s::text[], %s::text[], %s::date[], "
                    "%s::bigint[], %s::date[], %s::bigint[]) AS v(status, kpj, paid_through, mc, "
                    "ro, id) WHERE w.id = v.id",
                    [list(column) for column in zip(*batch, strict=True)],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET status = %s, kpj = %s, paid_through = %s, "  # noqa: S608
                    "monthly_contribution = %s, reconciled_on = %s WHERE id = %s",
                    batch,
                )


def refresh(*, actor: Any, workers: Any, on: dt.date | None = None) -> int:
    """``refresh_unchecked`` for the workers of the actor's area, audited (a job's work)."""
    require_capability(actor, Capability.VIEW_PUBLIC_WORKERS)
    with transaction.atomic(durable=True):
        scoped = workers.filter(pk__in=PublicWorker.objects.for_actor(acting(actor)).values("pk"))
        changed = refresh_unchecked(scoped, on)
        record_audit(
            actor=actor,
            action=PublicWorkerAudit.RECONCILE,
            object_type="publicworkers",
            after={"changed": changed},
        )
    return changed


# --- Sending the uncovered as registration requests ------------------------------------------


@dataclass
class Sent:
    requests: list[Registration] = field(default_factory=list)
    refused: list[tuple[PublicWorker, str]] = field(default_factory=list)


def next_month(today: dt.date) -> dt.date:
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def sendable(workers: QuerySet[PublicWorker]) -> QuerySet[PublicWorker]:
    """The workers a click may send as registration requests: not covered, no request open,
    and no confirmed request whose first month is still to come (covered from then on)."""
    return (
        workers.exclude(status=ReconciliationStatus.ACTIVE)
        .exclude(registration__status__in=OPEN_STATUSES)
        .exclude(
            registration__status=RequestStatus.CONFIRMED,
            registration__first_month__gt=timezone.localdate(),
        )
    )


def send_for_registration(*, actor: Any, workers: list[PublicWorker]) -> Sent:
    """Each listed, uncovered worker becomes a registration request (the registrations app):
    its category's segment and programmes, priced on the rule's wage, from next month, paid by
    the body (PU: the body is the employer and needs its NPP). A worker with an open request is
    skipped; a refusal (an active participant, a NIK the registration rules refuse) is reported
    with its reason and stops nothing else."""
    require_capability(actor, Capability.MANAGE_PUBLIC_WORKERS)
    user = acting(actor)
    channel = (
        Channel.VILLAGE if getattr(user, "role", "") == Role.VILLAGE_OPERATOR else Channel.OFFICER
    )
    book, result = RuleBook(), Sent()
    first = next_month(timezone.localdate())
    for worker in workers:
        _require_body(actor, worker.body)
    wanted = set(
        sendable(PublicWorker.objects.filter(pk__in=[w.pk for w in workers])).values_list(
            "pk", flat=True
        )
    )
    for worker in workers:
        if worker.pk not in wanted:
            continue
        rule = book.rule(worker.category_id, worker.body.regency_code)
        if rule is None:
            result.refused.append(
                (worker, bilingual("kategori tanpa aturan", "category without a rule"))
            )
            continue
        employer = worker.body.employer if rule.segment == Segment.PU else None
        if rule.segment == Segment.PU and employer is None:
            result.refused.append(
                (
                    worker,
                    bilingual(
                        "badan belum terdaftar sebagai pemberi kerja (NPP)",
                        "the body is not registered as an employer (NPP) yet",
                    ),
                )
            )
            continue
        draft = Draft(
            segment=rule.segment,
            nik=worker.nik,
            name=worker.name,
            birth_date=worker.birth_date,
            sex=worker.sex,
            village=worker.village,
            occupation=worker.category.label_id,
            wage=rule.wage_for(worker.honorarium),
            programmes=list(rule.programmes),
            first_month=first,
            employer=employer,
        )
        try:
            request = registrations.submit(
                actor=actor, channel=channel, draft=draft, payer=Payer.GOVERNMENT
            )
        except registrations.RegistrationError as exc:
            result.refused.append((worker, str(exc)))
            continue
        except PermissionDenied:
            result.refused.append(
                (
                    worker,
                    bilingual(
                        "desa domisili di luar wilayah Anda", "the person lives outside your area"
                    ),
                )
            )
            continue
        PublicWorker.objects.filter(pk=worker.pk).update(registration=request)
        result.requests.append(request)
    if result.requests or result.refused:
        with transaction.atomic(durable=True):
            record_audit(
                actor=actor,
                action=PublicWorkerAudit.SEND,
                object_type="publicworkers",
                after={"sent": len(result.requests), "refused": len(result.refused)},
            )
    return result
