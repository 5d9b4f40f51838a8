"""Every write of the compliance app: check runs, cases and their steps, notes, attachments,
letters and letter templates. Keyword-only arguments; each checks the actor's capability
itself (MANAGE_COMPLIANCE; the CLI's ``scope.SYSTEM`` passes), runs in one durable transaction
and leaves one audit row. Views and the API only call them.

The case workflow (docs/compliance.md) only moves one step forward at a time —
identified → reminder → warning 1 → warning 2 → referred — and may end (resolved, closed) from
any open step; a skipped step is refused here, whatever the page or API asked for.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lindung.accounts.selectors import staff_of
from lindung.compliance import checks, conf, letters
from lindung.compliance.audit import ComplianceAudit
from lindung.compliance.models import (
    LETTER_STEP,
    OPEN_STEPS,
    BusinessEntry,
    Case,
    CaseAttachment,
    CaseEvent,
    ComplianceRun,
    EventKind,
    Finding,
    Letter,
    LetterKind,
    LetterTemplate,
    Referral,
    RiskScore,
    RunState,
    Step,
)
from lindung.core.audit import acting_user, record_audit
from lindung.core.i18n import bilingual
from lindung.core.jobs import services as jobs
from lindung.core.models import Job
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability, Role
from lindung.core.scope import actor_scope, region_q
from lindung.notifications.events import NotificationEvent
from lindung.notifications.services import notify
from lindung.regions.models import Region
from lindung.registry.models import Employer

NEXT_STEP = {
    Step.IDENTIFIED: Step.REMINDER,
    Step.REMINDER: Step.WARNING_1,
    Step.WARNING_1: Step.WARNING_2,
    Step.WARNING_2: Step.REFERRED,
}
ENDINGS = (Step.RESOLVED, Step.CLOSED)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class ComplianceError(ValueError):
    """A refused write; the message is bilingual (Indonesian / English)."""


def allowed_steps(step: str) -> list[str]:
    """Where a case at ``step`` may go next: the following step, or an ending."""
    if step not in OPEN_STEPS:
        return []
    return [*([NEXT_STEP[step]] if step in NEXT_STEP else []), *ENDINGS]


# --- runs ----------------------------------------------------------------------------------------


def _manage(actor: Any) -> None:
    require_capability(actor, Capability.MANAGE_COMPLIANCE)


def _check_region(actor: Any, region: str) -> None:
    """``region`` must be one the actor sees ("" = everything, for an unrestricted actor only)."""
    scope = actor_scope(actor)
    if (region or not scope.unrestricted) and not (
        region and Region.objects.for_actor(actor).filter(code=region).exists()
    ):
        raise ComplianceError(bilingual("wilayah di luar cakupan", "region outside your area"))


def start_checks(*, actor: Any, region: str, request_id: str = "") -> Job:
    """Queue ``run_checks`` for the worker (a province takes seconds): the page answers at once
    and the job's page shows its progress. One run per region at a time."""
    _manage(actor)
    _check_region(actor, region)
    try:
        return jobs.submit(
            actor=actor,
            kind="compliance.run",
            target=region or "*",
            label=bilingual(
                f"Pemeriksaan kepatuhan {region or 'semua'}", f"Compliance checks {region or 'all'}"
            ),
            work="lindung.compliance.jobs.checks",
            arguments={"region": region},
            region_code=region,
            request_id=request_id,
        )
    except jobs.JobBusy as exc:
        raise ComplianceError(str(exc)) from exc


def run_checks(
    *,
    actor: Any,
    region: str = "",
    as_of: dt.date | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> ComplianceRun:
    """Run every check over ``region`` ("" = everything, for an unrestricted actor only) and make
    its results current; the region must be one the actor sees."""
    _manage(actor)
    _check_region(actor, region)
    as_of = as_of or timezone.localdate()
    started = time.perf_counter()
    if progress:
        progress(5, "membaca data / reading the registry")
    result = checks.run_all(as_of, region)
    if progress:
        progress(70, "menyimpan temuan / saving the findings")
    with transaction.atomic(durable=True):
        run = ComplianceRun.objects.create(
            region_code=region,
            as_of=as_of,
            actor=acting_user(actor),
            parameters=conf.parameters(),
        )
        scope = region_q("", [region]) if region else Q()
        Finding.objects.filter(scope, current=True).update(current=False)
        RiskScore.objects.filter(scope, current=True).update(current=False)
        Finding.objects.bulk_create(
            [
                Finding(
                    run=run,
                    kind=f.kind,
                    employer_id=f.employer_id,
                    business_id=f.business_id,
                    severity=f.severity,
                    amount=f.amount,
                    evidence=f.evidence,
                    **f.regions,
                )
                for f in result.findings
            ],
            batch_size=2000,
        )
        RiskScore.objects.bulk_create(
            [
                RiskScore(
                    run=run,
                    employer_id=s.employer_id,
                    business_id=s.business_id,
                    name=s.name,
                    score=s.score,
                    checks=",".join(s.checks),
                    workers=s.workers,
                    **s.regions,
                )
                for s in result.scores
            ],
            batch_size=2000,
        )
        run.counts = result.counts()
        run.state, run.finished_at = RunState.DONE, timezone.now()
        run.seconds = round(time.perf_counter() - started, 3)
        run.save(update_fields=["counts", "state", "finished_at", "seconds"])
        record_audit(
            actor=actor, action=ComplianceAudit.RUN, target=run, region_code=region,
            after={"as_of": as_of, "counts": run.counts, "seconds": run.seconds},
        )  # fmt: skip
    return run


# --- cases ---------------------------------------------------------------------------------------


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _due(step: str, on: dt.date) -> dt.date | None:
    days = conf.step_days().get(step)
    return on + dt.timedelta(days=days) if days is not None and step in OPEN_STEPS else None


def _event(case: Case, kind: str, on: dt.date, actor: Any, **fields: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, on=on, actor=acting_user(actor), **fields)


def open_case(
    *,
    actor: Any,
    employer: Employer | None = None,
    business: BusinessEntry | None = None,
    on: dt.date | None = None,
    assignee: Any = None,
    note: str = "",
) -> Case:
    """Open a case on a subject with current findings; one open case per subject."""
    _manage(actor)
    if (employer is None) == (business is None):
        raise ComplianceError(
            bilingual("pilih satu perusahaan atau usaha", "choose one employer or business")
        )
    on = _today(on)
    subject = Q(employer=employer) if employer else Q(business=business, employer__isnull=True)
    with transaction.atomic(durable=True):
        found = list(Finding.objects.filter(subject, current=True).order_by("kind"))
        if not found:
            raise ComplianceError(
                bilingual("tidak ada temuan terkini", "there are no current findings")
            )
        if Case.objects.filter(subject, step__in=OPEN_STEPS).exists():
            raise ComplianceError(
                bilingual("sudah ada kasus terbuka", "an open case exists already")
            )
        score = RiskScore.objects.filter(subject, current=True).values_list("score", flat=True)
        head = found[0]
        case = Case(
            number=f"tmp-{time.monotonic_ns()}",
            employer=employer,
            business=business if employer is None else (business or _business_of(found)),
            subject_name=(employer or business).name,
            checks=",".join(sorted({f.kind for f in found})),
            risk_score=score.first() or 0,
            opened_on=on,
            step_since=on,
            due_date=_due(Step.IDENTIFIED, on),
            assignee=assignee,
            evidence={f.kind: f.evidence for f in found},
            **{c: getattr(head, c) for c in checks.LEVELS},
        )
        case.save()
        case.number = f"KP-{on.year}-{case.pk:06d}"
        case.save(update_fields=["number"])
        _event(case, EventKind.OPENED, on, actor, to_step=Step.IDENTIFIED, text=note)
        record_audit(
            actor=actor, action=ComplianceAudit.CASE_OPEN, target=case,
            region_code=case.village_code, after={"checks": case.checks, "step": case.step},
        )  # fmt: skip
    return case


def _business_of(found: list[Finding]) -> BusinessEntry | None:
    ids = [f.business_id for f in found if f.business_id]
    return BusinessEntry.objects.filter(pk=ids[0]).first() if ids else None


def move_case(
    *,
    actor: Any,
    case: Case,
    to: str,
    on: dt.date | None = None,
    note: str = "",
    referral: str = "",
) -> Case:
    """One step forward, or an ending; anything else (a skip, a step back) is refused."""
    _manage(actor)
    on = _today(on)
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        before = case.step
        if to not in allowed_steps(before):
            raise ComplianceError(
                bilingual(
                    f"langkah tidak boleh dilewati: dari {before} hanya ke "
                    f"{', '.join(allowed_steps(before)) or '-'}",
                    f"steps cannot be skipped: from {before} only to "
                    f"{', '.join(allowed_steps(before)) or '-'}",
                )
            )
        if on < case.step_since:
            raise ComplianceError(
                bilingual("tanggal sebelum langkah sekarang", "date before the current step")
            )
        if to == Step.CLOSED and not note.strip():
            raise ComplianceError(
                bilingual("alasan penutupan wajib diisi", "a reason is required to close")
            )
        if to == Step.REFERRED:
            if referral not in Referral.values:
                raise ComplianceError(
                    bilingual(
                        "pilih rujukan: kejaksaan atau TMP2T",
                        "choose the referral: state attorney or TMP2T",
                    )
                )
            case.referral = referral
        case.step, case.step_since, case.due_date = to, on, _due(to, on)
        case.closed_on = on if to in ENDINGS else None
        case.save()
        _event(case, EventKind.STEP, on, actor, from_step=before, to_step=to, text=note)
        record_audit(
            actor=actor, action=ComplianceAudit.CASE_MOVE, target=case,
            region_code=case.village_code, before={"step": before},
            after={"step": to, "referral": case.referral}, reason=note,
        )  # fmt: skip
    return case


def assign_case(*, actor: Any, case: Case, assignee: Any, on: dt.date | None = None) -> Case:
    _manage(actor)
    with transaction.atomic(durable=True):
        before = case.assignee_id
        case.assignee = assignee
        case.save(update_fields=["assignee", "updated_at"])
        name = assignee.get_username() if assignee else "-"
        _event(case, EventKind.ASSIGNED, _today(on), actor, text=name)
        record_audit(
            actor=actor, action=ComplianceAudit.CASE_ASSIGN, target=case,
            region_code=case.village_code, before={"assignee": before},
            after={"assignee": assignee.pk if assignee else None},
        )  # fmt: skip
    return case


def add_note(*, actor: Any, case: Case, text: str, on: dt.date | None = None) -> CaseEvent:
    _manage(actor)
    if not text.strip():
        raise ComplianceError(bilingual("catatan kosong", "the note is empty"))
    with transaction.atomic(durable=True):
        event = _event(case, EventKind.NOTE, _today(on), actor, text=text.strip()[:5000])
        record_audit(
            actor=actor, action=ComplianceAudit.CASE_NOTE, target=case,
            region_code=case.village_code, after={"event": event.pk},
        )  # fmt: skip
    return event


def add_attachment(*, actor: Any, case: Case, upload: UploadedFile | None) -> CaseAttachment:
    _manage(actor)
    if upload is None:
        raise ComplianceError(bilingual("pilih berkas", "choose a file"))
    limit = getattr(settings, "COMPLIANCE_MAX_ATTACHMENT_BYTES", MAX_ATTACHMENT_BYTES)
    if upload.size > limit:
        raise ComplianceError(
            bilingual(
                f"berkas terlalu besar (maks. {limit // 1024 // 1024} MB)",
                f"file too large (max {limit // 1024 // 1024} MB)",
            )
        )
    name = (upload.name or "lampiran").rsplit("/", 1)[-1][:200]
    user = acting_user(actor)
    with transaction.atomic(durable=True):
        attachment = CaseAttachment(case=case, name=name, size=upload.size, uploaded_by=user)
        attachment.file.save(name, upload, save=False)
        attachment.save()
        _event(case, EventKind.ATTACHMENT, timezone.localdate(), actor, text=name)
        record_audit(
            actor=actor, action=ComplianceAudit.CASE_ATTACH, target=case,
            region_code=case.village_code, after={"name": name, "size": upload.size},
        )  # fmt: skip
    return attachment


def issue_letter(*, actor: Any, case: Case, kind: str, on: dt.date | None = None) -> Letter:
    """Render the letter of the case's current step from its template and keep the HTML."""
    _manage(actor)
    on = _today(on)
    if kind not in LetterKind.values or LETTER_STEP[kind] != case.step:
        raise ComplianceError(
            bilingual(
                "surat ini bukan untuk langkah kasus sekarang",
                "this letter does not belong to the case's current step",
            )
        )
    if kind in (LetterKind.ATTORNEY, LetterKind.TMP2T) and case.referral != kind:
        raise ComplianceError(
            bilingual("surat tidak sesuai rujukan kasus", "the letter does not match the referral")
        )
    template = LetterTemplate.objects.filter(kind=kind).first()
    if template is None:
        raise ComplianceError(bilingual("templat surat tidak ada", "letter template missing"))
    user = acting_user(actor)
    with transaction.atomic(durable=True):
        letter = Letter.objects.create(
            case=case, kind=kind, number=f"tmp-{time.monotonic_ns()}", issued_on=on, html="",
            issued_by=user,
        )  # fmt: skip
        letter.number = letters.letter_number(letter.pk, kind, on)
        letter.html = letters.render_letter(template, case, letter)
        letter.save(update_fields=["number", "html"])
        _event(case, EventKind.LETTER, on, actor, text=letter.number)
        record_audit(
            actor=actor, action=ComplianceAudit.LETTER_ISSUE, target=case,
            region_code=case.village_code, after={"letter": letter.number, "kind": kind},
        )  # fmt: skip
        if case.employer is not None and case.employer.owner_id is not None:
            # The employer's own portal users learn of the letter addressed to them.
            notify(
                event=NotificationEvent.LETTER_ISSUED,
                recipients=staff_of(case.employer.owner_id, Role.EMPLOYER),
                context={
                    "letter_label": str(letter.get_kind_display()),
                    "number": letter.number,
                    "employer": case.employer.name,
                    "issued_on": on,
                },
                target=letter,
                region_code=case.village_code,
                dedupe_key=f"letter:{letter.pk}",
            )
    return letter


def save_template(*, actor: Any, template: LetterTemplate, title: str, body: str) -> LetterTemplate:
    """Edit a letter template; the text must compile (and render on a sample case).

    The HTML is cut down to the letters' allow-list first (``letters.clean_template``: no
    ``<link>``, ``<script>``, ``<iframe>``, no URL but a static image), so a template can never
    make a PDF load a local file or a remote address; the Django template syntax is kept.
    """
    _manage(actor)
    try:
        body = letters.clean_template(body)
        letters.check_template(body)
    except ValueError as exc:
        raise ComplianceError(str(exc)) from None
    with transaction.atomic(durable=True):
        before = {"title": template.title, "body": template.body}
        template.title, template.body = title.strip()[:200], body
        template.updated_by = acting_user(actor)
        template.save()
        record_audit(
            actor=actor, action=ComplianceAudit.LETTER_TEMPLATE_EDIT, target=template,
            before=before, after={"title": template.title, "body": template.body},
        )  # fmt: skip
    return template
