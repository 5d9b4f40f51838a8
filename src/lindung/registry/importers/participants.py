"""The BPJS participant extract: one row per membership, the person's data repeated.

Rows are validated in Python and upserted set-based (staged.py). On PostgreSQL the import takes
the set-based path of bulk/ instead, with this module's ``parse_row`` as its reference.
"""

# SQL built from constants and catalog names only; cell values are never in the text.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils import timezone

from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import Progress
from lindung.core.imports.reader import Table
from lindung.core.models import ImportJob
from lindung.regions.models import Region
from lindung.registry.audit import RegistryAudit
from lindung.registry.importers.bulk import ParticipantBulk
from lindung.registry.importers.format import (
    DEFAULT_FUNDING,
    END_REASON_MAX,
    FUNDING,
    IDENTITY,
    KPJ_MAX,
    LEVEL_COLUMNS,
    MEMBERSHIP_COLUMNS,
    OCCUPATION_MAX,
    PARTICIPANT_COLUMNS,
    PERSON_COLUMNS,
    PERSON_FIELDS,
    PHONE_MAX,
    PROGRAMME_NAMES,
    SEGMENTS,
    identity_conflict,
    parse_identity,
    parse_programmes,
)
from lindung.registry.importers.staged import StagedImporter
from lindung.registry.models import Employer, Membership, Person, Segment


@lru_cache(maxsize=200_000)
def _prefixed_codes(prefix: str, code: str) -> tuple[tuple[str, str], ...]:
    return tuple((prefix + column, value) for column, value in regioncodes.level_code_tuple(code))


class ParticipantImporter(StagedImporter):
    """BPJS participant extract: one row per membership, the person's data repeated."""

    kind = "participants"
    audit_action = RegistryAudit.IMPORT_PARTICIPANTS
    writes_memberships = True
    analyze_tables = (Person._meta.db_table, Membership._meta.db_table)
    sensitive = frozenset({"nik", "name", "birth_date", "phone"})
    columns = PARTICIPANT_COLUMNS
    stage_table = "stage_participants"
    optional_sources = {
        "occupation": "occupation",
        "phone": "phone",
        **{p: "programmes" for p in PROGRAMME_NAMES},
        "end_date": "end_date",
        "end_reason": "end_reason",
        "funding": "funding",
    }
    stage_columns = (
        ("line", "integer"),
        ("nik", "varchar(16)"),
        ("name", "varchar(150)"),
        ("sex", "varchar(1)"),
        ("birth_date", "date"),
        ("domicile_id", "varchar(13)"),
        ("occupation", "varchar(100)"),
        ("phone", "varchar(20)"),
        ("nik_warnings", "varchar(200)"),
        *((f"p_{c}", "varchar(13)") for c in LEVEL_COLUMNS),
        ("kpj", "varchar(20)"),
        ("npp", "varchar(20)"),
        ("segment", "varchar(5)"),
        *((p, "boolean") for p in PROGRAMME_NAMES),
        ("wage", "bigint"),
        ("work_region_id", "varchar(13)"),
        ("start_date", "date"),
        ("end_date", "date"),
        ("end_reason", "varchar(60)"),
        ("funding", "varchar(9)"),
        *((f"m_{c}", "varchar(13)") for c in LEVEL_COLUMNS),
    )

    def setup(self) -> None:
        regions = Region.objects.values_list("code", "level")
        self.regions = {code for code, _ in regions}
        self.villages = {code for code, level in regions if level == "village"}
        self.regencies = {code for code, level in regions if level == "regency"}
        employers = list(Employer.objects.values_list("npp", "village_id", "id"))
        self.employers = {npp: village for npp, village, _ in employers}
        self.employer_ids = {npp: pk for npp, _, pk in employers}
        self.today = timezone.localdate()
        # A person repeated on several rows takes the data of its first row in the file, so the
        # result does not depend on how rows fall into chunks; a later row stating another
        # name, sex or birth date is rejected (identity_conflict). NIK → (line, person).
        self.first_person: dict[str, tuple[int, tuple]] = {}

    def key(self, row: dict[str, Any]) -> str:
        return f"{row['kpj']}|{row['start_date']}"

    # Files with at least this many rows, into empty person and membership tables, load in one
    # transaction with the secondary indexes and foreign keys rebuilt afterwards (bulk/).
    initial_load_min_rows = 200_000
    # What the last bulk run did: seconds per step, rows handed to the Python parser.
    bulk_timings: dict[str, float]
    bulk_python_rows: int

    def bulk_enabled(self) -> bool:
        return connection.vendor == "postgresql"

    def run_bulk(
        self, job: ImportJob, table: Table, mapping: dict[str, int], progress: Progress
    ) -> None:
        ParticipantBulk(self, job, mapping).run(table, progress)

    def write_bulk_chunk(self, bulk: Any, lo: int, hi: int) -> tuple[int, int]:
        """The bulk path's ``write``: upsert its staged rows ``lo <= ord < hi``."""
        return bulk.write_chunk(lo, hi)

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        row = self.parse_row(raw)
        person = tuple(row[c] for c in PERSON_FIELDS)
        line, first = self.first_person.setdefault(row["nik"], (self.line, person))
        if first != person:
            for field, column in IDENTITY:
                if row[field] != first[PERSON_FIELDS.index(field)]:
                    raise identity_conflict(column, line)
            row.update(zip(PERSON_FIELDS, first, strict=True))
        return row

    def parse_row(self, raw: dict[str, str]) -> dict[str, Any]:
        """One row on its own: the person's data as this row states it (see ``parse``)."""
        c = self.cell
        info, name, sex, birth, warnings = parse_identity(
            self, raw, regencies=self.regencies, today=self.today
        )
        segment = c(raw, "segment", cells.choice, SEGMENTS, "segment")
        npp = c(raw, "npp", cells.digits, None, "NPP") if raw.get("npp") else ""
        if npp and npp not in self.employers:
            raise CellError(
                bilingual(
                    f"NPP {npp} belum terdaftar; impor data pemberi kerja dulu",
                    f"NPP {npp} is unknown; import the employer extract first",
                ),
                "npp",
            )
        if segment == Segment.PU and not npp:
            raise CellError(
                bilingual("peserta PU wajib punya NPP", "a PU member needs an NPP"), "npp"
            )
        start = c(raw, "start_date", cells.date)
        end = c(raw, "end_date", cells.date) if raw.get("end_date") else None
        if start > self.today:
            raise CellError(
                bilingual("tanggal mulai di masa depan", "start date in the future"), "start_date"
            )
        if end is not None and end <= start:
            raise CellError(
                bilingual("berakhir sebelum mulai", "ends before it starts"), "end_date"
            )
        if birth >= start:
            raise CellError(
                bilingual(
                    "lahir setelah mulai menjadi peserta", "born after the membership starts"
                ),
                "birth_date",
            )
        domicile = (
            c(raw, "domicile", cells.region_code, self.villages, "village")
            if raw.get("domicile")
            else None
        )
        if raw.get("work_region"):
            work = c(raw, "work_region", cells.region_code, self.regions)
        else:
            work = self.employers.get(npp) or domicile
        if not work:
            raise CellError(
                bilingual("wilayah kerja tidak diketahui", "work region unknown"), "work_region"
            )
        programmes = parse_programmes(raw.get("programmes", ""), segment)
        kpj = c(raw, "kpj", cells.digits, None, "KPJ")
        c(raw, "kpj", cells.limited, KPJ_MAX)
        funding_text = raw.get("funding", "")
        default_funding = DEFAULT_FUNDING[segment]
        row = {
            "nik": info.nik,
            "name": name,
            "sex": sex,
            "birth_date": birth,
            "domicile_id": domicile,
            "occupation": c(raw, "occupation", cells.limited, OCCUPATION_MAX),
            "phone": c(raw, "phone", cells.limited, PHONE_MAX),
            "nik_warnings": ",".join(warnings)[:200],
            **dict(_prefixed_codes("p_", domicile or work)),
            "kpj": kpj,
            "npp": npp,
            "segment": segment,
            **{p: p in programmes for p in PROGRAMME_NAMES},
            "wage": c(raw, "wage", cells.rupiah),
            "work_region_id": work,
            "start_date": start,
            "end_date": end,
            "end_reason": c(raw, "end_reason", cells.limited, END_REASON_MAX),
            "funding": c(raw, "funding", cells.choice, FUNDING, "funding")
            if funding_text
            else default_funding,
            **dict(_prefixed_codes("m_", work)),
        }
        return row

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        names = [n for n, _ in self.stage_columns][1:]
        sqlite = connection.vendor == "sqlite"
        staged = []
        for line, r in rows:
            values = [r[n] for n in names]
            if sqlite:  # ISO text, as Django stores dates on SQLite
                values = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
            staged.append((line, *values))
        self._stage(staged)
        member_values = {
            "person_id": "p.id",
            "employer_id": "e.id",
            **{
                c: f"s.{'m_' + c if c in LEVEL_COLUMNS else c}"
                for c in MEMBERSHIP_COLUMNS
                if c not in ("person_id", "employer_id")
            },
        }
        stage = self.stage_table
        person, membership = Person._meta.db_table, Membership._meta.db_table
        person_select = ", ".join(f"p_{c}" if c in LEVEL_COLUMNS else c for c in PERSON_COLUMNS)
        with connection.cursor() as cur:
            persons = self._upsert(
                cur,
                person,
                ("nik",),
                PERSON_COLUMNS,
                f"SELECT nik, {person_select}, %s FROM {stage} "
                f"WHERE line IN (SELECT MAX(line) FROM {stage} GROUP BY nik)",
            )
            members = self._upsert(
                cur,
                membership,
                ("kpj", "start_date"),
                MEMBERSHIP_COLUMNS,
                f"SELECT s.kpj, s.start_date, {', '.join(member_values.values())}, %s "
                f"FROM {stage} s JOIN {person} p ON p.nik = s.nik "
                f"LEFT JOIN {Employer._meta.db_table} e ON e.npp = s.npp WHERE true",
            )
        # A row counts as imported when its person or its membership was written.
        imported = sum(
            1
            for _, r in rows
            if (r["nik"],) in persons or (r["kpj"], str(r["start_date"])) in members
        )
        return imported, len(rows) - imported
