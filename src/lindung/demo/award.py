"""Award part of the demo (issue 9 item 5): the Paritrana Award of the Province of Lampung for
the 2023 assessment year (ceremony 2024, docs/domain.md §6), run from nomination to published
results
through the award services, on a built demo registry.

* **Entries**, nominated from the data by ``award.nominations``: all 15 regencies/cities; in each
  regency the two villages with the most protected residents at the cut-off (coverage facts);
  per business category (micro/small by ``size_class``; medium/large by the sector group of the
  KBLI section, ``nominations.SECTOR_GROUPS``) the companies with the most active workers. Then
  the applications: the demo village account's own village, Tiyuh Penumangan Baru (Tulang
  Bawang Barat, the 2023 round's village participant) and the demo employer account's company.
* **Questionnaire** answers and their evidence (a one-page PDF each) come from a generator
  seeded per entry and item; the entrant's own demo account answers where one exists, the
  platform administrator keys in the paper forms of the others.
* **Verification**: one verifier per entry; most answers accepted, a few adjusted with a reason,
  exactly one rejected.
* **Shortlist and jury**: run 1 (indicators frozen at the cut-off and verified answers) ranks
  every category; its top three per category are interviewed (3 × 8 = 24, as in the 2023 Lampung
  round) by three jurors, one of whom declares a conflict of interest on one entry. Jury scores
  follow run 1's total with a seeded spread per juror. Run 2 is final and published.

The ranking comes from the data (the registry's coverage, compliance and programme figures, the
seeded answers and jury scores): the real 2023 winners are *not* written into any score, so the
demo's winners need not be Kota Metro, Tulang Bawang Barat and Lampung Tengah.

Idempotent: nothing happens when the edition exists (same region, assessment year and level).
Deterministic: every draw comes from ``random.Random`` seeded with ``SEED`` and stable keys
(region codes, NPPs, criterion codes), never from row ids or the clock.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from lindung.accounts.models import User
from lindung.award import nominations, runs, services
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
    Level,
    Result,
    StageKind,
    Verdict,
)
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.demo.accounts import demo_accounts, ensure_demo_accounts
from lindung.demo.plan import LAMPUNG
from lindung.regions.models import Region
from lindung.registry.models import Employer, EmployerStatus

SEED = 20240522  # the 2023 Lampung round's ceremony day
PROVINCE = LAMPUNG
NAME = "Paritrana Award Provinsi Lampung 2023"
ASSESSMENT_YEAR, CEREMONY_YEAR = 2023, 2024
CUTOFF = dt.date(2023, 12, 31)
STAGES = {
    StageKind.SELF_ASSESSMENT: (dt.date(2024, 1, 15), dt.date(2024, 2, 29)),
    StageKind.VERIFICATION: (dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    StageKind.INTERVIEW: (dt.date(2024, 4, 22), dt.date(2024, 4, 26)),
    StageKind.JURY_DECISION: (dt.date(2024, 4, 29), dt.date(2024, 5, 15)),
    StageKind.PUBLISHED: (dt.date(2024, 5, 22), dt.date(2024, 5, 22)),
}
VILLAGES_PER_REGENCY = 2
APPLIED_VILLAGES = ("18.12.01.2006",)  # Tiyuh Penumangan Baru, Tulang Bawang Barat
BUSINESSES_PER_CATEGORY = 6
FINALISTS = 3
ADJUSTED_PERCENT = 6
VERIFIERS = ("verifikator", "verifikator2")
JURORS = ("juri", "juri2", "juri3")
ENTRANT_FALLBACK = "admin"
ORGANISER = "provinsi"

# What an answer of each value says, per questionnaire item (0 … 4, the item's maximum).
ANSWER_TEXTS: dict[str, tuple[str, ...]] = {
    "regulation": (
        "Belum ada regulasi",
        "Surat edaran kepala daerah tentang Jamsostek",
        "Instruksi kepala daerah tentang perlindungan pekerja",
        "Peraturan kepala daerah tentang Jamsostek",
        "Peraturan daerah dan peraturan kepala daerah tentang Jamsostek",
    ),
    "budget-line": (
        "Belum ada alokasi anggaran",
        "Alokasi untuk sosialisasi kepesertaan",
        "Iuran pekerja rentan dalam APBD/APBDes (sebagian)",
        "Iuran pekerja rentan dan perangkat non-ASN",
        "Iuran pekerja rentan, non-ASN, dan DBH untuk perlindungan pekerja",
    ),
    "innovation": (
        "Belum ada inovasi",
        "Sosialisasi terpadu bersama BPJS Ketenagakerjaan",
        "Layanan pendaftaran di mal pelayanan publik",
        "Syarat kepesertaan Jamsostek dalam perizinan usaha",
        "Integrasi data pekerja rentan dengan BPJS dan desa",
    ),
    "village-officials": (
        "Belum ada perangkat terlindungi",
        "Sebagian perangkat desa terlindungi",
        "Seluruh perangkat desa terlindungi",
        "Perangkat desa dan sebagian RT/RW terlindungi",
        "Perangkat desa, seluruh RT/RW dan kader terlindungi",
    ),
    "care": (
        "Belum ada program",
        "Sosialisasi kepada warga sekitar",
        "Iuran pekerja rentan sekitar (sekali)",
        "Iuran pekerja rentan sekitar setiap tahun",
        "Program CSR perlindungan pekerja rentan berkelanjutan",
    ),
    "non-asn": (
        "Belum ada pegawai non-ASN terlindungi",
        "Sebagian pegawai non-ASN terlindungi",
        "Seluruh pegawai non-ASN terlindungi",
        "Pegawai non-ASN dan sebagian pekerja rentan daerah terlindungi",
        "Pegawai non-ASN dan seluruh pekerja rentan sasaran terlindungi",
    ),
    "commitment": (
        "Belum ada kebijakan tertulis",
        "Edaran direksi tentang kepesertaan",
        "Kebijakan mendaftarkan seluruh pekerja tetap",
        "Kebijakan mendaftarkan seluruh pekerja termasuk kontrak",
        "Kebijakan tertulis, audit internal dan pelaporan upah sebenarnya",
    ),
}
ADJUST_REASONS = (
    "Bukti berupa rancangan yang belum ditetapkan",
    "Dokumen anggaran belum menunjukkan realisasi",
    "Cakupan program lebih kecil dari yang dinyatakan",
)
REJECT_REASON = "Berkas bukti tidak sesuai dengan butir yang dinilai"
JURY_COMMENT = "Presentasi kepala daerah/direksi bersama dua pejabat"
CONFLICT_REASON = "Pernah menjadi konsultan perusahaan ini dalam dua tahun terakhir"


def _rng(*parts: Any) -> random.Random:
    # A str seed is hashed with SHA-512 by random.Random: the same on every machine and run.
    return random.Random(":".join(str(p) for p in (SEED, *parts)))


def _bucket(*parts: Any) -> int:
    return zlib.crc32(":".join(str(p) for p in (SEED, *parts)).encode()) % 1000


def entry_key(entry: Entry) -> str:
    """A key that does not depend on row ids: the region code or the employer's NPP."""
    return entry.subject_region_id or entry.employer.npp


# --- evidence -------------------------------------------------------------------------------------


def tiny_pdf(lines: Iterable[str]) -> bytes:
    """A valid one-page PDF (Helvetica, A4) showing ``lines``; small enough for hundreds."""
    text = []
    for line in lines:
        safe = line.encode("latin-1", "replace").decode("latin-1")
        text.append("(" + safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")")
    stream = "BT /F1 11 Tf 56 780 Td 16 TL " + " Tj T* ".join(text) + " Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _evidence(entry: Entry, criterion: Criterion, text: str) -> SimpleUploadedFile:
    key = entry_key(entry).replace(".", "-")
    pdf = tiny_pdf(
        [
            NAME,
            f"{entry.category.name}: {entry.name}",
            f"{criterion.name} / {criterion.name_en}",
            text,
            "Dokumen contoh sintetis (demo Lindung) / synthetic demo document",
        ]
    )
    return SimpleUploadedFile(
        f"bukti-{criterion.code}-{key}.pdf", pdf, content_type="application/pdf"
    )


# --- who does what --------------------------------------------------------------------------------


def _users() -> dict[str, Any]:
    ensure_demo_accounts()
    return {u.username: u for u in User.objects.select_related("organisation")}


def _entrant(entry: Entry, users: dict[str, Any]) -> Any:
    """The entrant's own demo account (a regency or village office, the demo company), else the
    administrator keying in the entrant's paper questionnaire."""
    for user in users.values():
        if user.role != Role.ADMIN and not user.is_superuser and services.is_entrant(user, entry):
            return user
    return users[ENTRANT_FALLBACK]


# --- nominations ----------------------------------------------------------------------------------


def _applied_villages() -> list[str]:
    """The demo village account's own village and the 2023 round's village participant."""
    own = [a.scope[0] for a in demo_accounts() if a.role == "village_operator" and a.scope]
    return [code for code in (*own, *APPLIED_VILLAGES) if code]


def _nominate(edition: Edition, actor: Any) -> list[Entry]:
    """Nominations from the data (``award.nominations``): every regency/city; the villages with
    the most protected residents of each regency; per business category the companies with the
    most active workers. Then the applications: two villages and the demo company."""
    categories = {(c.kind, c.sector_group): c for c in edition.categories.order_by("id")}
    for category in categories.values():
        nominations.nominate_all(actor=actor, category=category,
                                 per_regency=VILLAGES_PER_REGENCY,
                                 limit=BUSINESSES_PER_CATEGORY)  # fmt: skip
    entered = list(edition.entries.values_list("subject_region_id", "employer_id"))
    regions_taken = {r for r, _e in entered if r}
    employers_taken = {e for _r, e in entered if e}
    villages = categories[(CategoryKind.VILLAGE, "")]
    for region in Region.objects.filter(code__in=_applied_villages(), level="village"):
        if region.code not in regions_taken:
            services.add_entry(actor=actor, category=villages, region=region,
                               origin=EntryOrigin.APPLIED)  # fmt: skip
    owned = Employer.objects.filter(owner__isnull=False, province_code=PROVINCE,
                                    status=EmployerStatus.ACTIVE).order_by("npp")  # fmt: skip
    for employer in owned.exclude(pk__in=employers_taken):
        large = employer.size_class in nominations.LARGE_SIZES
        key = (
            (CategoryKind.BUSINESS_LARGE, nominations.sector_group(employer.kbli))
            if large
            else (CategoryKind.BUSINESS_SMALL, "")
        )
        if key in categories:
            services.add_entry(actor=actor, category=categories[key], employer=employer,
                               origin=EntryOrigin.APPLIED)  # fmt: skip
    return list(
        edition.entries.select_related("category", "employer", "subject_region").order_by(
            "category_id", "name", "id"
        )
    )


# --- self-assessment and verification ------------------------------------------------------------


def _self_assess(entry: Entry, user: Any) -> None:
    """Seeded answers: each entrant has an engagement level; each item scatters around it."""
    engagement = _rng("engagement", entry_key(entry)).random()
    items = entry.category.criteria.filter(kind=CriterionKind.QUESTIONNAIRE)
    for criterion in items:
        top = criterion.max_points
        spread = _rng("answer", entry_key(entry), criterion.code).gauss(0, 0.9)
        value = max(0, min(top, round(engagement * top + spread)))
        texts = ANSWER_TEXTS.get(criterion.code)
        text = texts[min(value, len(texts) - 1)] if texts else f"Nilai {value}"
        answer = services.answer(actor=user, entry=entry, criterion=criterion, value=value,
                                 text=text)  # fmt: skip
        if value:
            services.add_evidence(actor=user, answer=answer,
                                  upload=_evidence(entry, criterion, text))  # fmt: skip
    services.submit_entry(actor=user, entry=entry)


def _verify(entries: list[Entry], users: dict[str, Any]) -> dict[str, int]:
    """Accept most answers, adjust a few (value − 1, with a reason) and reject exactly one."""
    answers = [
        (entry, a)
        for entry in entries
        for a in Answer.objects.filter(entry=entry).select_related("criterion")
    ]
    keyed = [(_bucket("verify", entry_key(e), a.criterion.code), e, a) for e, a in answers]
    candidates = [k for k in keyed if k[2].value > 0 and k[0] >= ADJUSTED_PERCENT * 10]
    first = min(
        candidates, key=lambda k: (k[0], entry_key(k[1]), k[2].criterion.code), default=None
    )
    rejected_pk = first[2].pk if first else None
    counts = {Verdict.ACCEPTED: 0, Verdict.ADJUSTED: 0, Verdict.REJECTED: 0}
    for bucket, entry, answer in keyed:
        verifier = users[VERIFIERS[entries.index(entry) % len(VERIFIERS)]]
        if answer.pk == rejected_pk:
            services.verify_answer(actor=verifier, answer=answer, verdict=Verdict.REJECTED,
                                   reason=REJECT_REASON)  # fmt: skip
            counts[Verdict.REJECTED] += 1
        elif answer.value > 0 and bucket < ADJUSTED_PERCENT * 10:
            reason = ADJUST_REASONS[bucket % len(ADJUST_REASONS)]
            services.verify_answer(actor=verifier, answer=answer, verdict=Verdict.ADJUSTED,
                                   value=answer.value - 1, reason=reason)  # fmt: skip
            counts[Verdict.ADJUSTED] += 1
        else:
            services.verify_answer(actor=verifier, answer=answer, verdict=Verdict.ACCEPTED)
            counts[Verdict.ACCEPTED] += 1
    return counts


# --- interview and jury --------------------------------------------------------------------------


def shortlist(run: Any) -> dict[int, list[Entry]]:
    """The top ``FINALISTS`` of every category in a run (by rank, then name)."""
    out: dict[int, list[Entry]] = {}
    for result in Result.objects.filter(run=run).select_related("entry", "entry__employer"):
        out.setdefault(result.category_id, []).append(result)
    return {
        cid: [r.entry for r in sorted(rows, key=lambda r: (r.rank, r.entry.name, r.entry_id))][
            :FINALISTS
        ]
        for cid, rows in out.items()
    }


def _interview(edition: Edition, run: Any, users: dict[str, Any], actor: Any) -> dict[str, int]:
    """Three jurors per finalist; one conflict declared; scores follow run 1's total (how the
    entrant's record impresses the jury) with a seeded spread per juror and entry."""
    finalists = shortlist(run)
    totals = dict(Result.objects.filter(run=run).values_list("entry_id", "total"))
    categories = {c.pk: c for c in edition.categories.all()}
    conflict_done = False
    scored = conflicts = 0
    for cid in sorted(finalists):
        category = categories[cid]
        interview = list(category.criteria.filter(kind=CriterionKind.JURY))
        for entry in finalists[cid]:
            for username in JURORS:
                juror = users[username]
                assignment = services.assign(actor=actor, entry=entry, user=juror,
                                             kind=AssignmentKind.JUROR)  # fmt: skip
                if (
                    not conflict_done
                    and category.kind == CategoryKind.BUSINESS_LARGE
                    and username == JURORS[-1]
                ):
                    services.declare_conflict(actor=juror, assignment=assignment,
                                              reason=CONFLICT_REASON)  # fmt: skip
                    conflict_done, conflicts = True, conflicts + 1
                    continue
                for criterion in interview:
                    spread = _rng("jury", entry_key(entry), username, criterion.code).gauss(0, 5)
                    value = 58 + float(totals.get(entry.pk, 0)) * 0.35 + spread
                    value = round(max(0.0, min(100.0, value)) * 2) / 2  # half points
                    services.score(actor=juror, entry=entry, criterion=criterion, value=value,
                                   comment=JURY_COMMENT)  # fmt: skip
                    scored += 1
    return {"finalists": sum(len(v) for v in finalists.values()), "scores": scored,
            "conflicts": conflicts}  # fmt: skip


# --- the whole round ------------------------------------------------------------------------------


def demo_edition() -> Edition | None:
    return Edition.objects.filter(
        region_id=PROVINCE, assessment_year=ASSESSMENT_YEAR, level=Level.PROVINCIAL
    ).first()


def ensure_demo_award(*, actor: Any = SYSTEM) -> int:
    """Build the demo round when it does not exist yet; returns the number of entries created
    (0 when the edition is there already, or without the Lampung regions)."""
    region = Region.objects.filter(code=PROVINCE).first()
    if region is None or demo_edition() is not None:
        return 0
    users = _users()
    organiser = users.get(ORGANISER) or actor
    # Each service is its own (durable) transaction; a rerun finds the edition and stops.
    edition = services.create_edition(
        actor=organiser, name=NAME, region=region, assessment_year=ASSESSMENT_YEAR,
        ceremony_year=CEREMONY_YEAR, cutoff_date=CUTOFF, stages=STAGES,
    )  # fmt: skip
    entries = _nominate(edition, organiser)
    for i, entry in enumerate(entries):
        services.assign(actor=organiser, entry=entry, user=users[VERIFIERS[i % len(VERIFIERS)]],
                        kind=AssignmentKind.VERIFIER)  # fmt: skip
        _self_assess(entry, _entrant(entry, users))
    services.advance_stage(actor=organiser, edition=edition)  # → verification
    _verify(entries, users)
    runs.freeze_indicators(actor=organiser, edition=edition)
    shortlist_run = runs.compute_run(actor=organiser, edition=edition)
    services.advance_stage(actor=organiser, edition=edition)  # → interview
    _interview(edition, shortlist_run, users, organiser)
    services.advance_stage(actor=organiser, edition=edition)  # → jury decision
    final = runs.compute_run(actor=organiser, edition=edition)
    runs.finalise(actor=organiser, run=final)
    services.advance_stage(actor=organiser, edition=edition)  # → published
    return len(entries)


def summary(edition: Edition) -> dict[str, Any]:
    """Counts of the demo round, for the CLI and the tests."""
    return {
        "edition": edition.pk,
        "stage": edition.stage,
        "entries": {
            c.kind + (f":{c.sector_group}" if c.sector_group else ""): c.entries.count()
            for c in Category.objects.filter(edition=edition).order_by("id")
        },
        "answers": Answer.objects.filter(entry__edition=edition).count(),
        "verdicts": dict(
            Answer.objects.filter(entry__edition=edition)
            .values_list("verdict")
            .annotate(n=Count("id"))
            .order_by()
        ),
        "assignments": dict(
            Assignment.objects.filter(entry__edition=edition)
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by()
        ),
        "conflicts": Assignment.objects.filter(entry__edition=edition, conflict=True).count(),
        "runs": edition.runs.count(),
        "final_run": edition.runs.filter(final=True).values_list("number", flat=True).first(),
    }
