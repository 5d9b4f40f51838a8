"""The BPJS employer extract: one row per NPP, staged and upserted (staged.py)."""

# SQL built from constants and catalog names only; cell values are never in the text.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from django.db import connection

from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import Column
from lindung.regions.models import Region
from lindung.registry.audit import RegistryAudit
from lindung.registry.importers.format import LEVEL_COLUMNS
from lindung.registry.importers.staged import StagedImporter
from lindung.registry.models import Employer, EmployerStatus, SizeClass

EMPLOYER_NAME_MAX = cells.max_length(Employer, "name")
NPP_MAX = cells.max_length(Employer, "npp")
NIB_MAX = cells.max_length(Employer, "nib")
KBLI_MAX = cells.max_length(Employer, "kbli")


class EmployerImporter(StagedImporter):
    kind = "employers"
    audit_action = RegistryAudit.IMPORT_EMPLOYERS
    writes_memberships = True
    analyze_tables = (Employer._meta.db_table,)
    columns = (
        Column("npp", ("no_npp", "nomor_npp", "employer_number")),
        Column("name", ("nama", "nama_perusahaan", "nama_pemberi_kerja", "company_name")),
        Column("nib", ("nomor_induk_berusaha",), required=False),
        Column("kbli", ("kode_kbli", "sector", "sektor"), required=False),
        Column("size_class", ("skala_usaha", "skala", "size"), required=False),
        Column("risk_class", ("kelas_risiko", "tingkat_risiko", "jkk_risk_class"), required=False),
        Column("village", ("kode_desa", "kode_wilayah", "village_code", "desa"), required=True),
        Column("latitude", ("lintang", "lat"), required=False),
        Column("longitude", ("bujur", "lng", "lon"), required=False),
        Column("status", ("status_kepesertaan",), required=False),
        Column(
            "registered_on", ("tgl_daftar", "tanggal_daftar", "registration_date"), required=False
        ),
    )
    stage_table = "stage_employers"
    value_columns = (
        "name",
        "nib",
        "kbli",
        "size_class",
        "risk_class",
        "village_id",
        "latitude",
        "longitude",
        "status",
        "registered_on",
        *LEVEL_COLUMNS,
    )
    stage_columns = (
        ("line", "integer"),
        ("npp", "varchar(20)"),
        ("name", "varchar(200)"),
        ("nib", "varchar(20)"),
        ("kbli", "varchar(5)"),
        ("size_class", "varchar(6)"),
        ("risk_class", "smallint"),
        ("village_id", "varchar(13)"),
        ("latitude", "double precision"),
        ("longitude", "double precision"),
        ("status", "varchar(8)"),
        ("registered_on", "date"),
        *((c, "varchar(13)") for c in LEVEL_COLUMNS),
    )

    def setup(self) -> None:
        self.villages = set(Region.objects.filter(level="village").values_list("code", flat=True))

    def key(self, row: dict[str, Any]) -> str:
        return row["npp"]

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        c = self.cell
        row: dict[str, Any] = {
            "npp": c(raw, "npp", cells.digits, None, "NPP"),
            "name": raw["name"],
            "nib": c(raw, "nib", cells.digits, None, "NIB") if raw.get("nib") else "",
            "kbli": c(raw, "kbli", cells.limited, KBLI_MAX),
            "village_id": c(raw, "village", cells.region_code, self.villages, "village"),
        }
        c(raw, "npp", cells.limited, NPP_MAX)
        c(raw, "nib", cells.limited, NIB_MAX)
        if not row["name"]:
            raise CellError(bilingual("nama kosong", "name is empty"), "name")
        c(raw, "name", cells.limited, EMPLOYER_NAME_MAX)
        size = raw.get("size_class", "")
        row["size_class"] = c(raw, "size_class", cells.choice, _SIZES, "size class") if size else ""
        risk = raw.get("risk_class", "")
        if risk and risk not in {"1", "2", "3", "4", "5"}:
            raise CellError(
                bilingual("kelas risiko harus 1–5", "risk class must be 1–5"), "risk_class"
            )
        row["risk_class"] = int(risk) if risk else None
        for axis, bound in (("latitude", 90), ("longitude", 180)):
            text = raw.get(axis, "")
            try:
                value = float(text) if text else None
            except ValueError:
                value = bound + 1
            if value is not None and not -bound <= value <= bound:
                raise CellError(bilingual("koordinat tidak valid", "invalid coordinate"), axis)
            row[axis] = value
        status = raw.get("status", "")
        row["status"] = c(raw, "status", cells.choice, _STATUSES, "status") if status else "active"
        registered = raw.get("registered_on", "")
        row["registered_on"] = c(raw, "registered_on", cells.date) if registered else None
        row.update(regioncodes.level_code_tuple(row["village_id"]))
        return row

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        names = [n for n, _ in self.stage_columns]
        self._stage([(line, *(r[n] for n in names[1:])) for line, r in rows])
        with connection.cursor() as cur:
            written = self._upsert(
                cur,
                Employer._meta.db_table,
                ("npp",),
                self.value_columns,
                f"SELECT npp, {', '.join(self.value_columns)}, %s "
                f"FROM {self.stage_table} WHERE true",
            )
        return len(written), len(rows) - len(written)


_SIZES = {v: v for v in SizeClass.values} | {
    "mikro": "micro",
    "kecil": "small",
    "menengah": "medium",
    "besar": "large",
}
_STATUSES = {v: v for v in EmployerStatus.values} | {
    "aktif": "active",
    "nonaktif": "inactive",
    "tidak aktif": "inactive",
    "tutup": "closed",
}
