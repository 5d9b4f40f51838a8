"""An employer's file of workers to register (CSV/XLSX), kind ``employer-registrations``, through
the core import pipeline (docs/ARCHITECTURE.md "Import pipeline", docs/domain.md §13.1).

Each row is one PU worker of the chosen firm (or of the firm its ``npp`` cell names, among the
uploader's own). A row is checked as a request submitted on the employer portal is
(``rules.refuse``, ``rules.warn``, ``rules.price``) and stored as a registration request with its
``registrations.submit`` audit row, inside the pipeline's chunk transaction. Every bad row is
reported with its line and reason (an invalid NIK, an unknown village, a wage that is not a
number, a worker already active or already being registered), the good rows are kept, and the
same file imported again changes nothing: a row whose open request of the same firm holds the same
data is counted unchanged."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from lindung.compliance.checks import JP_SIZES
from lindung.core.i18n import bilingual
from lindung.core.imports import cells, uploads
from lindung.core.imports.cells import CellError
from lindung.core.imports.jobs import run_importer
from lindung.core.imports.pipeline import (
    Column,
    Importer,
    Progress,
    Rejected,
    run_rows,
    start_job,
)
from lindung.core.imports.reader import Table
from lindung.core.jobs import services as jobs
from lindung.core.loading import LoadError
from lindung.core.models import ImportJob, Job
from lindung.core.months import add_months
from lindung.core.nik import mask_nik
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.regions.models import Region
from lindung.registrations import rules, services
from lindung.registrations.audit import EmployerImportAudit
from lindung.registrations.employer_selectors import IMPORT_KIND, owns
from lindung.registrations.models import (
    OPEN_STATUSES,
    Channel,
    Payer,
    Registration,
)
from lindung.registry.importers.format import parse_identity
from lindung.registry.models import Employer, Segment

WORK = "lindung.registrations.employer_importer.run_upload"
ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx"}
PROGRAMME_CHOICES = ("JKK", "JKM", "JHT", "JP")
# The first month a request may name: the start of JP (1 July 2015), and at most a year ahead.
EARLIEST_MONTH = dt.date(2015, 7, 1)
AHEAD_MONTHS = 12
NAME_MAX = cells.max_length(Registration, "name")
OCCUPATION_MAX = cells.max_length(Registration, "occupation")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")


# --- Cells shared with the portal's form ---------------------------------------------------------


def default_programmes(employer: Employer | None) -> list[str]:
    """JKK, JKM and JHT; JP too for a medium or large firm (PP 6/2025 Art. 4(3))."""
    chosen = list(rules.PU_PROGRAMMES)
    if employer is not None and employer.size_class in JP_SIZES:
        chosen.append("JP")
    return chosen


def programmes(text: str, employer: Employer | None) -> list[str]:
    """``JKK, JKM, JHT`` (or ``jkk+jkm``, ``JKK JKM``…) in the canonical order; empty: the
    firm's defaults."""
    names = {p.upper() for p in re.split(r"[\s,;+/]+", text.strip()) if p}
    if not names:
        return default_programmes(employer)
    unknown = sorted(names - set(PROGRAMME_CHOICES))
    if unknown:
        q = cells.shown(", ".join(unknown))
        raise CellError(
            bilingual(
                f"program tidak dikenal: {q} (JKK, JKM, JHT, JP)",
                f"unknown programmes: {q} (JKK, JKM, JHT, JP)",
            )
        )
    return [p for p in PROGRAMME_CHOICES if p in names]


def month(text: str, today: dt.date | None = None) -> dt.date:
    """A contribution month: ``2025-03``, ``03/2025`` or any day of it (``2025-03-01``,
    ``01/03/2025``), from July 2015 to a year ahead."""
    text = text.strip()
    found = _YEAR_MONTH.match(text)
    swapped = _MONTH_YEAR.match(text)
    try:
        if found:
            first = dt.date(int(found.group(1)), int(found.group(2)), 1)
        elif swapped:
            first = dt.date(int(swapped.group(2)), int(swapped.group(1)), 1)
        else:
            first = cells.date(text).replace(day=1)
    except ValueError:
        raise CellError(bilingual("bulan tidak mungkin", "impossible month")) from None
    last = add_months(today or timezone.localdate(), AHEAD_MONTHS)
    if not EARLIEST_MONTH <= first <= last:
        raise CellError(
            bilingual(
                f"bulan pertama harus antara 2015-07 dan {last:%Y-%m}",
                f"the first month must be between 2015-07 and {last:%Y-%m}",
            )
        )
    return first


def wage(text: str) -> int:
    amount = cells.rupiah(text)
    if amount <= 0:
        raise CellError(bilingual("upah harus lebih dari 0", "the wage must be over 0"))
    return amount


# --- Storing a request inside the caller's transaction -------------------------------------------


def _same(request: Registration, draft: rules.Draft) -> bool:
    """Whether an open request already says what ``draft`` says (a repeated row)."""
    return (
        request.channel == Channel.EMPLOYER
        and request.employer_id == draft.employer.pk
        and request.name == draft.name.strip()[:NAME_MAX]
        and (request.birth_date, request.sex, request.village_id)
        == (draft.birth_date, draft.sex, draft.village.code)
        and request.occupation == draft.occupation.strip()[:OCCUPATION_MAX]
        and (request.wage, request.programmes, request.first_month)
        == (draft.wage, " ".join(draft.programmes), draft.first_month)
    )


# --- The importer -------------------------------------------------------------------------------


class EmployerRegistrationImporter(Importer):
    kind = IMPORT_KIND
    audit_action = EmployerImportAudit.IMPORT
    chunk_size = 500  # each row is checked and priced on its own: short transactions
    sensitive = frozenset({"nik", "name", "birth_date", "wage"})
    columns = (
        Column("nik", ("no_nik", "no_ktp", "nomor_induk_kependudukan")),
        Column("name", ("nama", "nama_lengkap", "nama_pekerja", "full_name")),
        Column("sex", ("jenis_kelamin", "jk", "gender"), required=False),
        Column("birth_date", ("tanggal_lahir", "tgl_lahir", "date_of_birth"), required=False),
        Column(
            "village",
            ("kode_desa", "kode_desa_domisili", "desa_domisili", "village_code", "domicile"),
        ),
        Column("occupation", ("pekerjaan", "jabatan", "jenis_pekerjaan"), required=False),
        Column("wage", ("upah", "upah_bulanan", "gaji", "monthly_wage")),
        Column("programmes", ("program", "programs", "program_diikuti"), required=False),
        Column("first_month", ("bulan_pertama", "bulan_mulai", "mulai", "tmt", "start_month")),
        Column("npp", ("no_npp", "nomor_npp", "employer_npp"), required=False),
    )

    def __init__(self, employer_id: int | None = None) -> None:
        # The firm chosen on the portal; without one (the generic upload page) a row names its
        # firm in ``npp``, or the uploader owns exactly one.
        self.employer_id = employer_id
        self.actor: Any = None
        self.firms: dict[str, Employer] = {}
        self.chosen: Employer | None = None
        self.refused: list[Rejected] = []  # rows the rules refused in the last ``write``

    def setup(self) -> None:
        regions = Region.objects.values_list("code", "level")
        self.villages = {code for code, level in regions if level == "village"}
        self.regencies = {code for code, level in regions if level == "regency"}
        self.today = timezone.localdate()
        self.rate_lookups: dict[tuple, Any] = {}  # the engine's rate rows, read once per file

    def key(self, row: dict[str, Any]) -> str:
        return row["nik"]

    def report_key(self, key: str) -> str:
        return mask_nik(key)  # personal data (UU PDP)

    def bulk_enabled(self) -> bool:
        return True  # the job is needed (its uploader), and rows may be refused when written

    # The uploader and their firms, from the job (the same user in the worker as on the page).
    def _load_firms(self, job: ImportJob) -> None:
        self.actor = job.actor
        if self.actor is None or not has_capability(self.actor, Capability.REGISTER_WORKERS):
            raise LoadError(
                bilingual(
                    "berkas ini hanya dapat diimpor oleh pengguna pemberi kerja",
                    "only an employer's user may import this file",
                )
            )
        organisation = getattr(self.actor, "organisation_id", None)
        owned = Employer.objects.filter(owner_id=organisation) if organisation else []
        self.firms = {e.npp: e for e in owned if owns(self.actor, e)}
        if self.employer_id is not None:
            self.chosen = next((e for e in self.firms.values() if e.pk == self.employer_id), None)
            if self.chosen is None:
                raise LoadError(
                    bilingual("perusahaan ini bukan milik Anda", "this firm is not yours")
                )
        elif len(self.firms) == 1:
            self.chosen = next(iter(self.firms.values()))
        elif not self.firms:
            raise LoadError(
                bilingual("Anda tidak memiliki perusahaan (NPP)", "you own no firm (NPP)")
            )

    def _firm(self, raw: dict[str, str]) -> Employer:
        npp = raw.get("npp", "")
        if not npp:
            if self.chosen is None:
                raise CellError(
                    bilingual(
                        "NPP diperlukan (Anda memiliki beberapa perusahaan)",
                        "the NPP is needed (you have several firms)",
                    ),
                    "npp",
                )
            return self.chosen
        firm = self.firms.get(npp)
        if firm is None or (self.employer_id is not None and firm != self.chosen):
            q = cells.shown(npp)
            raise CellError(
                bilingual(
                    f"NPP {q} bukan perusahaan yang dipilih",
                    f"NPP {q} is not the firm chosen",
                ),
                "npp",
            )
        return firm

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        c = self.cell
        firm = self._firm(raw)
        info, name, sex, birth, _warnings = parse_identity(
            self, raw, regencies=self.regencies, today=self.today, name_max=NAME_MAX
        )
        return {
            "nik": info.nik,
            "name": name,
            "sex": sex,
            "birth_date": birth,
            "village": c(raw, "village", cells.region_code, self.villages, "village"),
            "occupation": c(raw, "occupation", cells.limited, OCCUPATION_MAX),
            "wage": c(raw, "wage", wage),
            "programmes": c(raw, "programmes", programmes, firm),
            "first_month": c(raw, "first_month", month, self.today),
            "employer": firm,
        }

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        """Store each row as a request (in the caller's transaction); rows refused by the
        rules go to ``self.refused`` for the chunk's reject report."""
        villages = Region.objects.in_bulk({r["village"] for _line, r in rows})
        imported = unchanged = 0
        self.refused = []
        for line, row in rows:
            draft = rules.Draft(segment=Segment.PU, **{**row, "village": villages[row["village"]]})
            outcome = self._store(line, draft)
            if isinstance(outcome, Rejected):
                self.refused.append(outcome)
            elif outcome:
                imported += 1
            else:
                unchanged += 1
        return imported, unchanged

    def _store(self, line: int, draft: rules.Draft) -> bool | Rejected:
        """True: stored; False: the same open request is there already; else the refusal."""
        masked = mask_nik(draft.nik)
        open_request = Registration.objects.filter(
            nik=draft.nik, segment=draft.segment, status__in=OPEN_STATUSES
        ).first()
        if open_request is not None and _same(open_request, draft):
            return False
        try:
            rules.refuse(draft)
        except rules.Refused as exc:
            return Rejected(line, "nik", masked, str(exc))
        try:
            rules.warn(draft)
            contribution = rules.price(draft, self.rate_lookups)
        except rules.Refused as exc:
            return Rejected(line, "", "", str(exc))
        try:
            request = services.new_request(
                actor=self.actor,
                channel=Channel.EMPLOYER,
                draft=draft,
                payer=Payer.EMPLOYER,
                contribution=contribution,
            )
            services.store_unchecked(actor=self.actor, request=request)
        except IntegrityError:
            return Rejected(
                line,
                "nik",
                masked,
                bilingual(
                    "sudah ada pendaftaran yang sedang diproses untuk NIK ini",
                    "a registration for this NIK is already being processed",
                ),
            )
        return True

    def run_bulk(
        self, job: ImportJob, table: Table, mapping: dict[str, int], progress: Progress
    ) -> None:
        """The pipeline's row loop, once the job has told whose file it is."""
        self._load_firms(job)
        run_rows(self, job, table, mapping, progress)

    def refused_in_write(self) -> list[Rejected]:
        refused, self.refused = self.refused, []
        return refused


# --- Upload from the portal and the worker's job ------------------------------------------------


def submit_file(*, actor: Any, employer: Employer, upload: Any, request_id: str = "") -> ImportJob:
    """Save the uploaded file, claim its import job (``LoadError`` when the same file is being
    imported now) and queue it for the worker, for the actor's own firm ``employer``. The
    import's own audit row is written when it is done, with one per request it stored."""
    require_capability(actor, Capability.REGISTER_WORKERS)
    if not owns(actor, employer):
        raise PermissionDenied
    suffix = Path(upload.name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise LoadError(
            bilingual("hanya berkas CSV atau XLSX", "only CSV or XLSX files can be imported")
        )
    path = uploads.save_upload(upload, suffix)
    try:
        job = start_job(EmployerRegistrationImporter(employer.pk), path, actor=actor)
        _same_firm_as_before(job, employer)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    path = uploads.attach(path, job)
    name = cells.printable(upload.name)[:255]
    if job.file_name != name:
        job.file_name = name
        job.save(update_fields=["file_name"])
    try:
        jobs.submit(
            actor=actor,
            kind="import",
            target=f"{IMPORT_KIND}:{job.file_sha256}",  # one import per file at a time
            label=name,
            work=WORK,
            arguments={
                "import_job": job.pk,
                "kind": IMPORT_KIND,
                "path": str(path),
                "employer": employer.pk,
            },
            request_id=request_id,
        )
    except jobs.JobBusy as exc:
        raise LoadError(str(exc)) from None
    return job


def _same_firm_as_before(job: ImportJob, employer: Employer) -> None:
    """An unfinished job of the same file resumes for the firm it was started for only."""
    before = (
        Job.objects.filter(task_path=WORK, arguments__import_job=job.pk)
        .order_by("-pk")
        .values_list("arguments", flat=True)
        .first()
    )
    if before and before.get("employer") != employer.pk:
        raise LoadError(
            bilingual(
                f"berkas yang sama belum selesai diimpor untuk perusahaan lain (impor #{job.pk}); "
                "unggah lagi untuk perusahaan itu agar selesai",
                f"the same file is still being imported for another firm (import #{job.pk}); "
                "upload it again for that firm to finish it",
            )
        )


def run_upload(
    *,
    job: Any,
    progress: Any,
    import_job: int,
    path: str,
    employer: int | None = None,
    **_: Any,
) -> dict[str, Any]:
    """The worker's side of ``submit_file`` (``core.imports.jobs.run_importer`` with the firm
    chosen on the portal); a second run resumes from the last committed chunk."""
    return run_importer(EmployerRegistrationImporter(employer), job=job, progress=progress,
                        import_job=import_job, path=path)  # fmt: skip
