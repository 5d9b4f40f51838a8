"""Business registry (OSS/NIB, WLKP headcounts) through the core import pipeline: one row per
business, keyed by NIB; a repeated import changes nothing (issue 8 item 1)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lindung.compliance.audit import ComplianceAudit
from lindung.compliance.models import BusinessEntry
from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import Column, Importer
from lindung.regions.models import Region

VALUE_FIELDS = (
    "name", "kbli", "village_id", "reported_workers", "reported_avg_wage", "source", "year",
    *regioncodes.LEVEL_COLUMNS.values(),
)  # fmt: skip
# Columns a file may leave out: their stored values are then kept on a re-import.
OPTIONAL = {"kbli": "kbli", "reported_avg_wage": "avg_wage"}


# Text columns: a longer value is rejected, never cut to fit.
NAME_MAX = cells.max_length(BusinessEntry, "name")
KBLI_MAX = cells.max_length(BusinessEntry, "kbli")
SOURCE_MAX = cells.max_length(BusinessEntry, "source")
# The largest workforce a PositiveIntegerField holds.
WORKERS_MAX = 2**31 - 1


class BusinessRegistryImporter(Importer):
    kind = "business_registry"
    audit_action = ComplianceAudit.IMPORT_BUSINESS_REGISTRY
    analyze_tables = ("compliance_businessentry",)
    columns = (
        Column("nib", ("nomor_induk_berusaha", "no_nib")),
        Column("name", ("nama", "nama_perusahaan", "nama_usaha", "company_name")),
        Column("kbli", ("kode_kbli", "sektor", "sector"), required=False),
        Column("village", ("kode_desa", "kode_wilayah", "village_code", "desa")),
        Column(
            "workers",
            (
                "jumlah_tenaga_kerja",
                "jumlah_pekerja",
                "tenaga_kerja",
                "reported_workforce",
                "workforce",
            ),
        ),
        Column(
            "avg_wage",
            ("rata_rata_upah", "upah_rata_rata", "average_wage", "reported_average_wage"),
            required=False,
        ),
        Column("source", ("sumber", "sumber_data")),
        Column("year", ("tahun", "tahun_data")),
    )

    def setup(self) -> None:
        self.villages = set(Region.objects.filter(level="village").values_list("code", flat=True))
        self.this_year = timezone.localdate().year

    def key(self, row: dict[str, Any]) -> str:
        return row["nib"]

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        c = self.cell
        if not raw["name"]:
            raise CellError(bilingual("nama kosong", "name is empty"), "name")
        c(raw, "name", cells.limited, NAME_MAX)
        workers = raw.get("workers", "")
        if not workers.isdigit() or not workers.isascii() or len(workers) > 10:
            raise CellError(
                bilingual(
                    "jumlah tenaga kerja harus bilangan bulat", "workforce must be a whole number"
                ),
                "workers",
            )
        if int(workers) > WORKERS_MAX:
            raise CellError(
                bilingual("jumlah tenaga kerja terlalu besar", "workforce too large"), "workers"
            )
        avg = raw.get("avg_wage", "")
        year = raw.get("year", "")
        if not (year.isdigit() and len(year) == 4 and 2000 <= int(year) <= self.this_year + 1):
            raise CellError(
                bilingual(
                    f"tahun tidak valid: {cells.shown(year)}", f"invalid year: {cells.shown(year)}"
                ),
                "year",
            )
        source = raw.get("source", "").strip().upper()
        if not source:
            raise CellError(bilingual("sumber kosong", "source is empty"), "source")
        c({"source": source}, "source", cells.limited, SOURCE_MAX)
        village = c(raw, "village", cells.region_code, self.villages, "village")
        return {
            "nib": c(raw, "nib", cells.digits, 13, "NIB"),
            "name": raw["name"],
            "kbli": c(raw, "kbli", cells.limited, KBLI_MAX),
            "village_id": village,
            "reported_workers": int(workers),
            "reported_avg_wage": c(raw, "avg_wage", cells.rupiah) if avg else None,
            "source": source,
            "year": int(year),
            **regioncodes.level_codes(village),
        }

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        """Create new NIBs, update changed ones, leave equal ones alone (unchanged)."""
        fields = [f for f in VALUE_FIELDS if f not in OPTIONAL or OPTIONAL[f] in self.present]
        wanted = {r["nib"]: r for _line, r in rows}
        existing = {e.nib: e for e in BusinessEntry.objects.filter(nib__in=list(wanted))}
        new, changed = [], []
        now = timezone.now()
        for nib, row in wanted.items():
            entry = existing.get(nib)
            if entry is None:
                new.append(BusinessEntry(nib=nib, **{f: row[f] for f in VALUE_FIELDS}))
            elif any(getattr(entry, f) != row[f] for f in fields):
                for f in fields:
                    setattr(entry, f, row[f])
                entry.updated_at = now
                changed.append(entry)
        BusinessEntry.objects.bulk_create(new, batch_size=2000)
        BusinessEntry.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
        written = len(new) + len(changed)
        return written, len(rows) - written
