"""A body's register from a file (issue 21 §1), import kind ``public_workers``: one row per
person and body, keyed by body and NIK; a repeated import changes nothing. ``kode_badan`` names
the paying body; without it the row belongs to the uploader's own village government (a village
operator's file). A row for a body outside the uploader's area is refused with its line. After
the file, the bodies it touched are reconciled with the registry."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.kinds import register
from lindung.core.imports.pipeline import Column, Importer, Progress, Rejected, run_rows
from lindung.core.imports.reader import Table
from lindung.core.loading import LoadError
from lindung.core.models import ImportJob
from lindung.core.nik import mask_nik
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability
from lindung.core.scope import NOBODY, ActorScope, actor_scope
from lindung.publicworkers.audit import PublicWorkerAudit
from lindung.publicworkers.models import BudgetSource, Category, PayingBody, PublicWorker
from lindung.publicworkers.services import WorkerData, apply_worker, refresh_unchecked, village_body
from lindung.regions.models import Region
from lindung.registry.importers.format import parse_identity

KIND = "public_workers"
NAME_MAX = cells.max_length(PublicWorker, "name")
BUDGET_SOURCES = {
    "apbd": BudgetSource.APBD,
    "apbdes": BudgetSource.APBDES,
    "add": BudgetSource.APBDES,
    "danadesa": BudgetSource.DANA_DESA,
    "dana desa": BudgetSource.DANA_DESA,
    "dd": BudgetSource.DANA_DESA,
}


class PublicWorkerImporter(Importer):
    kind = KIND
    audit_action = PublicWorkerAudit.IMPORT
    analyze_tables = (PublicWorker._meta.db_table,)
    sensitive = frozenset({"nik", "name", "birth_date"})
    columns = (
        Column("nik", ("no_nik", "no_ktp", "nomor_induk_kependudukan")),
        Column("name", ("nama", "nama_lengkap", "full_name")),
        Column("sex", ("jenis_kelamin", "jk", "gender"), required=False),
        Column("birth_date", ("tanggal_lahir", "tgl_lahir", "date_of_birth"), required=False),
        Column("category", ("kategori", "jabatan_kategori", "jenis")),
        Column("honorarium", ("honor", "honorarium_bulanan", "siltap", "penghasilan")),
        Column("budget_source", ("sumber_anggaran", "sumber_dana", "anggaran")),
        Column("body", ("kode_badan", "badan", "body_code"), required=False),
        Column("village", ("kode_desa", "desa_domisili", "village_code"), required=False),
        Column("listed_from", ("mulai", "tanggal_mulai", "tmt"), required=False),
        Column("listed_until", ("berhenti", "tanggal_berhenti", "selesai"), required=False),
    )

    def __init__(self) -> None:
        self.actor: Any = None
        self.scope: ActorScope = NOBODY
        self.refused: list[Rejected] = []
        self.touched: set[int] = set()

    def setup(self) -> None:
        regions = Region.objects.values_list("code", "level")
        self.villages = {code for code, level in regions if level == "village"}
        self.regencies = {code for code, level in regions if level == "regency"}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.by_label = {c.label_id.lower(): c for c in self.categories.values()}
        self.bodies: dict[str, PayingBody | None] = {}
        self.today = timezone.localdate()

    def key(self, row: dict[str, Any]) -> str:
        return f"{row['body'] or '*'}|{row['data'].nik}"

    def report_key(self, key: str) -> str:
        body, nik = key.split("|", 1)
        return f"{body}|{mask_nik(nik)}"  # personal data (UU PDP)

    def bulk_enabled(self) -> bool:
        return True  # the uploader is needed (scope), and rows may be refused when written

    def run_bulk(
        self, job: ImportJob, table: Table, mapping: dict[str, int], progress: Progress
    ) -> None:
        self.actor = job.actor
        if self.actor is not None and not has_capability(
            self.actor, Capability.MANAGE_PUBLIC_WORKERS
        ):
            raise LoadError(
                bilingual(
                    "pengunggah tidak berwenang mengelola daftar ini",
                    "the uploader may not keep this register",
                )
            )
        self.scope = (
            actor_scope(self.actor) if self.actor is not None else ActorScope(unrestricted=True)
        )
        run_rows(self, job, table, mapping, progress)

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        c = self.cell
        info, name, sex, birth, _warnings = parse_identity(
            self, raw, regencies=self.regencies, today=self.today, name_max=NAME_MAX
        )
        text = raw.get("category", "").strip().lower()
        category = self.categories.get(text) or self.by_label.get(text)
        if category is None:
            raise CellError(
                bilingual(
                    f"kategori tidak dikenal: {cells.shown(text)}",
                    f"unknown category: {cells.shown(text)}",
                ),
                "category",
            )
        source = BUDGET_SOURCES.get(" ".join(raw.get("budget_source", "").lower().split()))
        if source is None:
            raise CellError(
                bilingual(
                    "sumber anggaran harus APBD, APBDes atau Dana Desa",
                    "budget source must be APBD, APBDes or Dana Desa",
                ),
                "budget_source",
            )
        village = raw.get("village", "")
        if village:
            village = c(raw, "village", cells.region_code, self.villages, "village")
        listed_from = c(raw, "listed_from", cells.date) if raw.get("listed_from") else self.today
        until = c(raw, "listed_until", cells.date) if raw.get("listed_until") else None
        if until is not None and until <= listed_from:
            raise CellError(
                bilingual(
                    "tanggal berhenti harus setelah tanggal mulai",
                    "the end date must be after the start date",
                ),
                "listed_until",
            )
        body = raw.get("body", "").strip().upper()
        if len(body) > 40:
            raise CellError(bilingual("kode badan terlalu panjang", "body code too long"), "body")
        return {
            "body": body,
            "village": village,
            "data": WorkerData(
                nik=info.nik,
                name=name,
                birth_date=birth,
                sex=sex,
                village=None,
                category=category,
                honorarium=c(raw, "honorarium", cells.rupiah),
                budget_source=source,
                listed_from=listed_from,
                listed_until=until,
            ),
        }

    def _body(self, code: str) -> PayingBody | None:
        """The row's body if the uploader may keep it; a village operator's own village
        government when the row names none."""
        if not code:
            codes = self.scope.region_codes
            if len(codes) == 1 and codes[0] in self.villages:
                code = f"DESA-{codes[0]}"
            else:
                return None
        if code not in self.bodies:
            body = PayingBody.objects.filter(code=code).first()
            if body is None and code.startswith("DESA-") and code[5:] in self.villages:
                body = village_body(Region.objects.get(code=code[5:]))
            if body is not None and not self.scope.covers_region(body.region_id):
                body = None
            self.bodies[code] = body
        return self.bodies[code]

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        written = unchanged = 0
        for line, row in rows:
            body = self._body(row["body"])
            if body is None:
                self.refused.append(
                    Rejected(
                        line,
                        "body",
                        row["body"],
                        bilingual(
                            "badan tidak dikenal atau di luar wilayah Anda (isi kode_badan)",
                            "unknown body or outside your area (fill in kode_badan)",
                        ),
                    )
                )
                continue
            data = row["data"]
            village = row["village"] or (body.region_id if body.kind == "village" else "")
            if not village:
                self.refused.append(
                    Rejected(
                        line,
                        "village",
                        "",
                        bilingual(
                            "kode desa domisili wajib untuk badan ini",
                            "the home village code is required for this body",
                        ),
                    )
                )
                continue
            data.village = Region(code=village)
            worker = PublicWorker.objects.filter(body=body, nik=data.nik).first() or PublicWorker()
            if apply_worker(worker, body, data):
                worker.save()
                written += 1
            else:
                unchanged += 1
            self.touched.add(body.pk)
        return written, unchanged

    def refused_in_write(self) -> list[Rejected]:
        refused, self.refused = self.refused, []
        return refused

    def finish(self) -> None:
        if self.touched:
            refresh_unchecked(PublicWorker.objects.filter(body_id__in=self.touched))


def register_kinds() -> None:
    register(
        PublicWorkerImporter,
        _("Public-sector and village workers"),
        Capability.MANAGE_PUBLIC_WORKERS,
    )
