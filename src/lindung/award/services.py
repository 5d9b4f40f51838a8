"""Writes of the award: editions with their default criteria, entries, answers and evidence,
verification, assignments, conflicts, jury scores, frozen indicators and scoring runs.

Every public write is a service: it checks the actor's capability itself (a PermissionDenied
becomes a 403), then what the actor may do to *this* row (an entrant its own entry, a verifier or
juror an assigned one, during the right stage), runs in one durable transaction and leaves its
``AwardAudit`` row. ``*_unchecked`` helpers are for other award services only (nominations).
Messages are Indonesian first, English second.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation

from lindung.award import notices, selectors
from lindung.award.audit import ASSIGN_ACTIONS, VERDICT_ACTIONS, AwardAudit
from lindung.award.models import (
    Answer,
    Assignment,
    AssignmentKind,
    Category,
    CategoryKind,
    Criterion,
    CriterionKind,
    Edition,
    Entry,
    EntryOrigin,
    EntryStatus,
    Evidence,
    JuryScore,
    SectorGroup,
    Stage,
    StageKind,
    Verdict,
    next_stage,
)
from lindung.core.audit import acting_user, record_audit, snapshot
from lindung.core.i18n import bilingual
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability, Role
from lindung.regions.models import Region
from lindung.registry.models import Employer

DEFAULT_CRITERIA = Path(__file__).resolve().parent / "data" / "default_criteria.csv"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".docx", ".csv")
LEVEL_OF_KIND = {
    CategoryKind.PROVINCE: "province",
    CategoryKind.REGENCY: "regency",
    CategoryKind.VILLAGE: "village",
}


class AwardError(ValueError):
    """A write the rules refuse; the message is shown to the user as is."""


def refuse(indonesian: str, english: str) -> AwardError:
    return AwardError(bilingual(indonesian, english))


def require_stage(edition: Edition, *stages: str) -> None:
    if edition.stage not in stages:
        raise refuse(
            f"tahap {edition.get_stage_display()} tidak mengizinkan ini",
            f"the {edition.stage} stage does not allow this",
        )


def default_criteria(kind: str) -> list[dict[str, str]]:
    with DEFAULT_CRITERIA.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["category_kind"] == kind]


# --- editions ------------------------------------------------------------------------------------


def create_edition(
    *,
    actor: Any,
    name: str,
    region: Region,
    assessment_year: int,
    ceremony_year: int,
    cutoff_date: dt.date,
    categories: list[tuple[str, str]] | None = None,
    stages: dict[str, tuple[dt.date, dt.date]] | None = None,
) -> Edition:
    """An edition with its categories (``(kind, sector_group)``; default: the 2023 Lampung
    round's) and each category's default criteria and weights."""
    require_capability(actor, Capability.MANAGE_AWARD)
    if categories is None:
        categories = [
            (CategoryKind.REGENCY, ""),
            (CategoryKind.VILLAGE, ""),
            (CategoryKind.BUSINESS_SMALL, ""),
            *((CategoryKind.BUSINESS_LARGE, g) for g in SectorGroup.values if g),
        ]
    with transaction.atomic(durable=True):
        edition = Edition(
            name=name,
            region=region,
            assessment_year=assessment_year,
            ceremony_year=ceremony_year,
            cutoff_date=cutoff_date,
        )
        edition.assign_region_codes(region.code)
        edition.save()
        for kind, group in categories:
            add_category(edition, kind, group)
        for kind, (starts, ends) in (stages or {}).items():
            Stage.objects.create(edition=edition, kind=kind, starts_on=starts, ends_on=ends)
        record_audit(
            actor=actor,
            action=AwardAudit.EDITION_CREATE,
            target=edition,
            region_code=region.code,
            after=snapshot(edition, ["name", "assessment_year", "ceremony_year", "cutoff_date"]),
        )
    return edition


def add_category(edition: Edition, kind: str, sector_group: str = "") -> Category:
    with translation.override("id"):  # stored names are Indonesian, like the criteria's
        name = str(CategoryKind(kind).label)
        if sector_group:
            name = f"{name}: {SectorGroup(sector_group).label}"
    category = Category.objects.create(
        edition=edition, kind=kind, sector_group=sector_group, name=name
    )
    for position, row in enumerate(default_criteria(kind)):
        Criterion.objects.create(
            category=category,
            code=row["code"],
            kind=row["kind"],
            indicator=row["indicator"],
            name=row["name_id"],
            name_en=row["name_en"],
            weight=Decimal(row["weight"]),
            direction=row["direction"],
            max_points=int(row["max_points"]),
            position=position,
        )
    return category


def set_weight(*, actor: Any, criterion: Criterion, weight: Any, reason: str) -> Criterion:
    """Change a criterion's weight before results are published (audited with a reason)."""
    require_capability(actor, Capability.MANAGE_AWARD)
    edition = criterion.category.edition
    if edition.published:
        raise refuse("hasil sudah diumumkan", "the results are published")
    if not reason.strip():
        raise refuse("alasan wajib diisi", "a reason is required")
    try:
        value = Decimal(str(weight)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise refuse("bobot bukan angka", "the weight is not a number") from None
    if value < 0 or value > 1000:
        raise refuse("bobot harus 0–1000", "the weight must be 0–1000")
    before = snapshot(criterion, ["weight"])
    with transaction.atomic(durable=True):
        criterion.weight = value
        criterion.save(update_fields=["weight"])
        record_audit(
            actor=actor,
            action=AwardAudit.CRITERION_WEIGHT,
            target=criterion,
            region_code=edition.region_id,
            before=before,
            after=snapshot(criterion, ["weight"]),
            reason=reason,
        )
    return criterion


def advance_stage(*, actor: Any, edition: Edition) -> Edition:
    """Move the edition to its next stage; stages never go back. The people the new stage asks
    to act are told in the same transaction (``notices``: verifiers, then jurors)."""
    require_capability(actor, Capability.MANAGE_AWARD)
    target = next_stage(edition.stage)
    if target is None:
        raise refuse("tahap terakhir sudah tercapai", "the last stage is reached")
    if target == StageKind.PUBLISHED and not edition.runs.filter(final=True).exists():
        raise refuse("tetapkan dulu perhitungan final", "choose the final scoring run first")
    before = edition.stage
    with transaction.atomic(durable=True):
        edition.stage = target
        edition.save(update_fields=["stage"])
        notices.stage_opened(edition, target)
        record_audit(
            actor=actor,
            action=AwardAudit.EDITION_STAGE,
            target=edition,
            region_code=edition.region_id,
            before={"stage": before},
            after={"stage": target},
        )
    return edition


# --- entries -------------------------------------------------------------------------------------


def add_entry(
    *,
    actor: Any,
    category: Category,
    region: Region | None = None,
    employer: Employer | None = None,
    origin: str = EntryOrigin.NOMINATED,
) -> Entry:
    """Nominate (or, ``origin=applied``, register the application of) a region or a company."""
    require_capability(actor, Capability.MANAGE_AWARD)
    with transaction.atomic(durable=True):
        return add_entry_unchecked(
            actor=actor, category=category, region=region, employer=employer, origin=origin
        )


def add_entry_unchecked(
    *,
    actor: Any,
    category: Category,
    region: Region | None = None,
    employer: Employer | None = None,
    origin: str = EntryOrigin.NOMINATED,
) -> Entry:
    """``add_entry`` without the capability check and transaction, for the nominations."""
    edition = category.edition
    if category.for_regions:
        if region is None or employer is not None:
            raise refuse("kategori ini untuk wilayah", "this category is for regions")
        if region.level != LEVEL_OF_KIND[category.kind] or not region.code.startswith(
            edition.region_id
        ):
            raise refuse(
                "wilayah tidak sesuai kategori atau edisi",
                "the region does not fit the category or edition",
            )
        entry = Entry(edition=edition, category=category, subject_region=region, name=region.name)
        entry.assign_region_codes(region.code)
    else:
        if employer is None or region is not None:
            raise refuse("kategori ini untuk perusahaan", "this category is for companies")
        if not employer.village_id.startswith(edition.region_id):
            raise refuse("perusahaan di luar wilayah edisi", "the company is outside the edition")
        entry = Entry(
            edition=edition,
            category=category,
            employer=employer,
            entrant=employer.owner,
            name=employer.name,
        )
        entry.assign_region_codes(employer.village_id)
    entry.origin = origin
    if Entry.objects.filter(edition=edition, subject_region=region, employer=employer).exists():
        raise refuse("sudah terdaftar di edisi ini", "already entered in this edition")
    entry.save()
    record_audit(
        actor=actor,
        action=AwardAudit.ENTRY_ADD,
        target=entry,
        region_code=entry.village_code or entry.regency_code or entry.province_code,
        after=snapshot(entry, ["category", "name", "origin"]),
    )
    notices.stage_opened(edition, entry=entry)  # during self-assessment: its entrants
    return entry


def is_entrant(actor: Any, entry: Entry) -> bool:
    """The actor fills in this entry: an admin, the office of exactly its region, or the
    company's own staff."""
    if getattr(actor, "is_superuser", False) or getattr(actor, "role", None) == Role.ADMIN:
        return True
    if not has_capability(actor, Capability.ENTER_AWARD):
        return False
    return Entry.objects.for_actor(actor).filter(pk=entry.pk).exists()


def _require_entrant(actor: Any, entry: Entry) -> None:
    if not is_entrant(actor, entry):
        raise refuse("bukan peserta ini", "not this entry's entrant")
    require_stage(entry.edition, StageKind.SELF_ASSESSMENT)
    if entry.status != EntryStatus.DRAFT:
        raise refuse("isian sudah dikirim", "the entry is submitted already")


def _points(value: Any, top: int) -> int:
    """A whole number from 0 to ``top``, or a refusal (never a ValueError)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= top:
        raise refuse(f"nilai harus 0–{top}", f"the value must be 0–{top}")
    return number


def answer(*, actor: Any, entry: Entry, criterion: Criterion, value: Any, text: str = "") -> Answer:
    require_capability(actor, Capability.ENTER_AWARD)
    _require_entrant(actor, entry)
    if criterion.category_id != entry.category_id or criterion.kind != CriterionKind.QUESTIONNAIRE:
        raise refuse("butir kuesioner tidak dikenal", "unknown questionnaire item")
    points = _points(value, criterion.max_points)
    with transaction.atomic(durable=True):
        row, _created = Answer.objects.update_or_create(
            entry=entry,
            criterion=criterion,
            defaults={"value": points, "text": text.strip(), "answered_by": acting_user(actor)},
        )
        record_audit(
            actor=actor,
            action=AwardAudit.ENTRY_ANSWER,
            target=entry,
            region_code=_region(entry),
            after={"criterion": criterion.code, "value": points},
        )
    return row


def add_evidence(*, actor: Any, answer: Answer, upload: UploadedFile) -> Evidence:
    require_capability(actor, Capability.ENTER_AWARD)
    _require_entrant(actor, answer.entry)
    name = Path(upload.name or "").name
    if not name.lower().endswith(EVIDENCE_TYPES):
        raise refuse(
            "jenis berkas tidak diterima (PDF, gambar, XLSX, DOCX, CSV)",
            "file type not accepted (PDF, image, XLSX, DOCX, CSV)",
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise refuse("berkas lebih dari 10 MB", "the file is larger than 10 MB")
    head = upload.read(8)
    upload.seek(0)
    if not _looks_like(name, head):
        raise refuse(
            "isi berkas tidak sesuai jenisnya", "the file's content does not match its type"
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic(durable=True):
        evidence = Evidence.objects.create(
            answer=answer,
            file=upload,
            name=name[:200],
            sha256=digest.hexdigest(),
            size=upload.size,
            uploaded_by=acting_user(actor),
        )
        record_audit(
            actor=actor,
            action=AwardAudit.EVIDENCE_ADD,
            target=answer.entry,
            region_code=_region(answer.entry),
            after={"criterion": answer.criterion.code, "name": evidence.name,
                   "sha256": evidence.sha256},
        )  # fmt: skip
    return evidence


# The first bytes of each accepted type (CSV is text: anything without a NUL byte).
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
}


def _looks_like(name: str, head: bytes) -> bool:
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return b"\x00" not in head
    return head.startswith(SIGNATURES.get(suffix, (b"",)))


def submit_entry(*, actor: Any, entry: Entry) -> Entry:
    require_capability(actor, Capability.ENTER_AWARD)
    _require_entrant(actor, entry)
    items = entry.category.criteria.filter(kind=CriterionKind.QUESTIONNAIRE).count()
    if entry.answers.count() < items:
        raise refuse("jawab semua butir kuesioner", "answer every questionnaire item")
    with transaction.atomic(durable=True):
        entry.status = EntryStatus.SUBMITTED
        entry.submitted_at = timezone.now()
        entry.save(update_fields=["status", "submitted_at"])
        record_audit(
            actor=actor, action=AwardAudit.ENTRY_SUBMIT, target=entry, region_code=_region(entry)
        )
    return entry


def _region(entry: Entry) -> str:
    return entry.village_code or entry.district_code or entry.regency_code or entry.province_code


# --- verification, assignments, jury ------------------------------------------------------------


def assign(*, actor: Any, entry: Entry, user: Any, kind: str) -> Assignment:
    require_capability(actor, Capability.MANAGE_AWARD)
    wanted = {AssignmentKind.VERIFIER: Role.AWARD_VERIFIER, AssignmentKind.JUROR: Role.AWARD_JURY}
    if entry.edition.published or entry.status == EntryStatus.WITHDRAWN:
        raise refuse("edisi diumumkan atau entri ditarik", "published edition or withdrawn entry")
    if user.role != wanted[kind]:
        raise refuse("peran pengguna tidak sesuai", "the user's role does not fit")
    with transaction.atomic(durable=True):
        assignment, created = Assignment.objects.get_or_create(entry=entry, user=user, kind=kind)
        if created:
            record_audit(
                actor=actor,
                action=ASSIGN_ACTIONS[kind],
                target=entry,
                region_code=_region(entry),
                after={"user": user.pk},
            )
            notices.stage_opened(entry.edition, entry=entry)  # joins an open stage: told now
    return assignment


def _assignment(actor: Any, entry: Entry, kind: str) -> Assignment:
    found = selectors.assignment_of(actor, entry, kind)
    if found is None:
        raise refuse("isian ini tidak ditugaskan kepada Anda", "this entry is not assigned to you")
    return found


def verify_answer(
    *, actor: Any, answer: Answer, verdict: str, value: int | None = None, reason: str = ""
) -> Answer:
    """Accept an answer as is, adjust its value (with a reason) or reject it (with a reason)."""
    require_capability(actor, Capability.VERIFY_AWARD)
    entry = answer.entry
    _assignment(actor, entry, AssignmentKind.VERIFIER)
    require_stage(entry.edition, StageKind.VERIFICATION)
    if entry.status in (EntryStatus.DRAFT, EntryStatus.WITHDRAWN):
        raise refuse("isian belum dikirim atau ditarik", "the entry is not submitted or withdrawn")
    if verdict not in (Verdict.ACCEPTED, Verdict.ADJUSTED, Verdict.REJECTED):
        raise refuse("putusan tidak dikenal", "unknown verdict")
    if verdict != Verdict.ACCEPTED and not reason.strip():
        raise refuse("alasan wajib diisi", "a reason is required")
    adjusted = _points(value, answer.criterion.max_points) if verdict == Verdict.ADJUSTED else 0
    before = snapshot(answer, ["verdict", "value", "verified_value"])
    answer.verdict = verdict
    answer.verified_value = {
        Verdict.ACCEPTED: answer.value,
        Verdict.ADJUSTED: adjusted,
        Verdict.REJECTED: 0,
    }[verdict]
    answer.verdict_reason = reason.strip()
    answer.verified_by = acting_user(actor)
    answer.verified_at = timezone.now()
    with transaction.atomic(durable=True):
        answer.save()
        if not entry.answers.filter(verdict=Verdict.PENDING).exists():
            entry.status = EntryStatus.VERIFIED
            entry.save(update_fields=["status"])
        record_audit(
            actor=actor,
            action=VERDICT_ACTIONS[verdict],
            target=entry,
            region_code=_region(entry),
            before=before,
            after=snapshot(answer, ["verdict", "value", "verified_value"]),
            reason=reason,
        )
    return answer


def declare_conflict(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    require_capability(actor, Capability.JUDGE_AWARD)
    if assignment.user_id != getattr(actor, "pk", None) or assignment.kind != AssignmentKind.JUROR:
        raise refuse("bukan penugasan juri Anda", "not your juror assignment")
    if assignment.entry.edition.published:
        raise refuse("hasil sudah diumumkan", "the results are published")
    if not reason.strip():
        raise refuse("jelaskan konflik kepentingan", "describe the conflict of interest")
    with transaction.atomic(durable=True):
        assignment.conflict = True
        assignment.conflict_reason = reason.strip()
        assignment.conflict_declared_at = timezone.now()
        assignment.save()
        assignment.scores.all().delete()  # scores given before the declaration never count
        record_audit(
            actor=actor,
            action=AwardAudit.CONFLICT,
            target=assignment.entry,
            region_code=_region(assignment.entry),
            reason=reason,
        )
    return assignment


def score(
    *, actor: Any, entry: Entry, criterion: Criterion, value: Any, comment: str = ""
) -> JuryScore:
    require_capability(actor, Capability.JUDGE_AWARD)
    assignment = _assignment(actor, entry, AssignmentKind.JUROR)
    require_stage(entry.edition, StageKind.INTERVIEW, StageKind.JURY_DECISION)
    if assignment.conflict:
        raise refuse("Anda menyatakan konflik kepentingan", "you declared a conflict of interest")
    if criterion.category_id != entry.category_id or criterion.kind != CriterionKind.JURY:
        raise refuse("kriteria juri tidak dikenal", "unknown jury criterion")
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise refuse("nilai bukan angka", "the score is not a number") from None
    if not 0 <= number <= 100:
        raise refuse("nilai harus 0–100", "the score must be 0–100")
    with transaction.atomic(durable=True):
        row, _ = JuryScore.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            defaults={"score": number, "comment": comment.strip()},
        )
        record_audit(
            actor=actor,
            action=AwardAudit.JURY_SCORE,
            target=entry,
            region_code=_region(entry),
            after={"criterion": criterion.code, "score": str(number)},
        )
    return row
