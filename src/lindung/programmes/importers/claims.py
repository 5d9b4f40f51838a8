"""Benefit claims paid (JKK, JKM, JHT) from the BPJS branch, through the core import pipeline
(kind ``claims``), so outcome pages can set benefits against premiums (docs/domain.md §3, §3.5).

One row per claim, keyed by the claim number; a repeated import changes nothing and a changed
row updates its claim. The claimant must be a registry person: the claim's region columns are
the person's (domicile, or work region when the domicile is unknown), looked up a chunk at a
time.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import Column
from lindung.core.imports.prefetching import PrefetchingImporter
from lindung.programmes.audit import ProgrammesAudit
from lindung.programmes.models import Claim, ClaimType
from lindung.registry.models import Person

LEVEL_COLUMNS = tuple(regioncodes.LEVEL_COLUMNS.values())
VALUE_FIELDS = ("nik", "kpj", "claim_type", "event_date", "paid_on", "amount", *LEVEL_COLUMNS)
CLAIM_TYPES = {
    "jkk": ClaimType.JKK,
    "jaminan kecelakaan kerja": ClaimType.JKK,
    "kecelakaan kerja": ClaimType.JKK,
    "jkm": ClaimType.JKM,
    "jaminan kematian": ClaimType.JKM,
    "kematian": ClaimType.JKM,
    "jht": ClaimType.JHT,
    "jaminan hari tua": ClaimType.JHT,
}
_CACHE_LIMIT = 200_000


class ClaimImporter(PrefetchingImporter):
    kind = "claims"
    audit_action = ProgrammesAudit.IMPORT_CLAIMS
    analyze_tables = ("programmes_claim",)
    sensitive = frozenset({"nik", "kpj"})
    columns = (
        Column("claim_number", ("nomor_klaim", "no_klaim", "claim_no", "nomor_kasus")),
        Column("nik", ("no_nik", "no_ktp", "nomor_induk_kependudukan")),
        Column("kpj", ("no_kpj", "nomor_kpj", "kpj_number", "no_kartu"), required=False),
        Column("type", ("jenis", "jenis_klaim", "jenis_program", "claim_type")),
        Column("event_date", ("tanggal_kejadian", "tgl_kejadian", "tanggal_kasus")),
        Column("paid_on", ("tanggal_bayar", "tgl_bayar", "tanggal_pembayaran", "payment_date")),
        Column("amount", ("nominal", "jumlah_bayar", "jumlah", "nilai")),
    )

    def setup(self) -> None:
        # NIK → the person's region codes (None: no such person in the registry).
        self.regions: dict[str, tuple[str, ...] | None] = {}
        self.today = timezone.localdate()

    def key(self, row: dict[str, Any]) -> str:
        return row["claim_number"]

    def prefetch(self, raws: list[dict[str, str]]) -> None:
        wanted = {r.get("nik", "") for r in raws} - set(self.regions) - {""}
        if not wanted:
            return
        if len(self.regions) > _CACHE_LIMIT:
            self.regions.clear()
        found: dict[str, tuple[str, ...] | None] = dict.fromkeys(wanted)
        for nik, *codes in Person.objects.filter(nik__in=wanted).values_list("nik", *LEVEL_COLUMNS):
            found[nik] = tuple(codes)
        self.regions.update(found)

    def _person_regions(self, nik: str) -> tuple[str, ...] | None:
        if nik not in self.regions:
            self.prefetch([{"nik": nik}])
        return self.regions[nik]

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        c = self.cell
        number = raw.get("claim_number", "")
        if not number or len(number) > 40:
            raise CellError(
                bilingual("nomor klaim kosong atau > 40 karakter", "claim number empty or > 40"),
                "claim_number",
            )
        nik = c(raw, "nik", cells.digits, 16, "NIK")
        codes = self._person_regions(nik)
        if codes is None:
            raise CellError(
                bilingual(
                    "NIK tidak terdaftar di registri peserta; impor data peserta dulu",
                    "NIK is not in the participant registry; import the participant extract first",
                ),
                "nik",
            )
        event = c(raw, "event_date", cells.date)
        paid_on = c(raw, "paid_on", cells.date)
        if paid_on < event:
            raise CellError(
                bilingual("dibayar sebelum kejadian", "paid before the event"), "paid_on"
            )
        if paid_on > self.today:
            raise CellError(
                bilingual("tanggal bayar di masa depan", "payment date in the future"), "paid_on"
            )
        return {
            "claim_number": number,
            "nik": nik,
            "kpj": c(raw, "kpj", cells.digits, None, "KPJ") if raw.get("kpj") else "",
            "claim_type": c(raw, "type", cells.choice, CLAIM_TYPES, "type"),
            "event_date": event,
            "paid_on": paid_on,
            "amount": c(raw, "amount", cells.rupiah),
            **dict(zip(LEVEL_COLUMNS, codes, strict=True)),
        }

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        """Create new claim numbers, update changed ones, leave equal ones alone."""
        wanted = {r["claim_number"]: r for _line, r in rows}
        existing = {c.claim_number: c for c in Claim.objects.filter(claim_number__in=wanted)}
        new, changed = [], []
        now = timezone.now()
        for number, row in wanted.items():
            claim = existing.get(number)
            if claim is None:
                new.append(Claim(**row))
            elif any(getattr(claim, f) != row[f] for f in VALUE_FIELDS):
                for field in VALUE_FIELDS:
                    setattr(claim, field, row[field])
                claim.updated_at = now  # bulk_update does not apply auto_now
                changed.append(claim)
        Claim.objects.bulk_create(new, batch_size=2000)
        Claim.objects.bulk_update(changed, [*VALUE_FIELDS, "updated_at"], batch_size=2000)
        written = len(new) + len(changed)
        return written, len(rows) - written
