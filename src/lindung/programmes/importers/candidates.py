"""Social-registry candidate lists (DTSEN/DTKS/P3KE-like) through the core import pipeline:
one row per person, keyed by NIK; a repeated import changes nothing (issue 6 item 3)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import Column, Importer
from lindung.core.nik import mask_nik
from lindung.programmes.audit import ProgrammesAudit
from lindung.programmes.models import Candidate
from lindung.programmes.services.links import link_candidates
from lindung.regions.models import Region
from lindung.registry.importers import parse_identity

VALUE_FIELDS = (
    "kk", "name", "sex", "birth_date", "village_id", "occupation", "welfare_decile", "source",
    "nik_warnings", *regioncodes.LEVEL_COLUMNS.values(),
)  # fmt: skip


# Text columns: a longer value is rejected, never cut to fit.
NAME_MAX = cells.max_length(Candidate, "name")
OCCUPATION_MAX = cells.max_length(Candidate, "occupation")
SOURCE_MAX = cells.max_length(Candidate, "source")


class CandidateImporter(Importer):
    kind = "candidates"
    audit_action = ProgrammesAudit.IMPORT_CANDIDATES
    analyze_tables = ("programmes_candidate",)
    sensitive = frozenset({"nik", "kk", "name", "birth_date"})
    columns = (
        Column("nik", ("no_nik", "no_ktp", "nomor_induk_kependudukan")),
        Column("kk", ("no_kk", "nomor_kk", "family_card"), required=False),
        Column("name", ("nama", "nama_lengkap", "full_name")),
        Column("sex", ("jenis_kelamin", "jk", "gender"), required=False),
        Column("birth_date", ("tanggal_lahir", "tgl_lahir", "date_of_birth"), required=False),
        Column("village", ("kode_desa", "kode_wilayah", "village_code", "desa")),
        Column("occupation", ("pekerjaan", "jenis_pekerjaan"), required=False),
        Column("decile", ("desil", "desil_kesejahteraan", "welfare_decile"), required=False),
        Column("source", ("sumber", "sumber_data", "registry"), required=False),
    )

    def setup(self) -> None:
        regions = Region.objects.values_list("code", "level")
        self.villages = {code for code, level in regions if level == "village"}
        self.regencies = {code for code, level in regions if level == "regency"}
        self.today = timezone.localdate()

    def key(self, row: dict[str, Any]) -> str:
        return row["nik"]

    def finish(self) -> None:
        link_candidates()  # the lookup among registry persons is paid here, not in a selection

    def report_key(self, key: str) -> str:
        return mask_nik(key)  # the key is a NIK: personal data (UU PDP)

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        cells.check_text(raw)  # (the pipeline checks too; a hand-entered candidate comes here)
        c = self.cell
        info, name, sex, birth, warnings = parse_identity(
            self, raw, regencies=self.regencies, today=self.today, name_max=NAME_MAX
        )
        decile_text = raw.get("decile", "")
        if decile_text and decile_text not in {str(d) for d in range(1, 11)}:
            raise CellError(bilingual("desil harus 1–10", "decile must be 1–10"), "decile")
        village = c(raw, "village", cells.region_code, self.villages, "village")
        return {
            "nik": info.nik,
            "kk": c(raw, "kk", cells.digits, 16, "KK") if raw.get("kk") else "",
            "name": name,
            "sex": sex,
            "birth_date": birth,
            "village_id": village,
            "occupation": c(raw, "occupation", cells.limited, OCCUPATION_MAX),
            "welfare_decile": int(decile_text) if decile_text else None,
            "source": c(raw, "source", cells.limited, SOURCE_MAX),
            "nik_warnings": ",".join(warnings)[:200],
            **regioncodes.level_codes(village),
        }  # fmt: skip

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        """Create new NIKs, update changed ones, leave equal ones alone (unchanged)."""
        wanted = {r["nik"]: r for _line, r in rows}
        existing = {
            values[0]: values
            for values in Candidate.objects.filter(nik__in=wanted).values_list("nik", *VALUE_FIELDS)
        }
        new, changed = [], []
        for nik, row in wanted.items():
            values = tuple(row[f] for f in VALUE_FIELDS)
            if nik not in existing:
                new.append(Candidate(nik=nik, **{f: row[f] for f in VALUE_FIELDS}))
            elif existing[nik][1:] != values:
                changed.append(nik)
        Candidate.objects.bulk_create(new, batch_size=2000)
        for nik in changed:
            Candidate.objects.filter(nik=nik).update(
                updated_at=timezone.now(), **{f: wanted[nik][f] for f in VALUE_FIELDS}
            )
        written = len(new) + len(changed)
        return written, len(rows) - written
