"""BPJS extract importers: employers (one row per NPP) and participants (one row per membership).

Both run through the core pipeline; rows are validated in Python, staged into a temporary table
(``COPY`` on PostgreSQL, ``executemany`` on SQLite) and upserted set-based with
``INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE <something differs>``, so unchanged rows are
not written at all and a re-import changes nothing. On PostgreSQL the participant import takes
the set-based path of bulk.py instead, with the Python ``parse`` as its reference.
"""

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
from lindung.core.imports.pipeline import Column, Importer, Progress
from lindung.core.imports.reader import Table
from lindung.core.models import ImportJob
from lindung.core.nik import NikError, NikInfo, check_stated, parse_nik
from lindung.regions.models import Region
from lindung.registry.models import (
    Employer,
    EmployerStatus,
    Funding,
    Membership,
    Person,
    Segment,
    SizeClass,
)

LEVEL_COLUMNS = tuple(regioncodes.LEVEL_COLUMNS.values())
SEGMENTS = {
    "pu": "PU",
    "ppu": "PU",
    "penerima upah": "PU",
    "bpu": "BPU",
    "pbpu": "BPU",
    "bukan penerima upah": "BPU",
    "jakon": "JAKON",
    "jasa konstruksi": "JAKON",
    "pmi": "PMI",
}
SEXES = {
    "l": "M",
    "laki-laki": "M",
    "m": "M",
    "male": "M",
    "p": "F",
    "perempuan": "F",
    "f": "F",
    "female": "F",
    "w": "F",
    "wanita": "F",
}
FUNDING = {
    "self": "self",
    "mandiri": "self",
    "sendiri": "self",
    "employer": "employer",
    "pemberi kerja": "employer",
    "perusahaan": "employer",
    "programme": "programme",
    "program": "programme",
    "subsidi": "programme",
    "pemda": "programme",
}
PROGRAMME_NAMES = ("jkk", "jkm", "jht", "jp", "jkp")
DEFAULT_PROGRAMMES = {
    "PU": {"jkk", "jkm", "jht"},
    "BPU": {"jkk", "jkm"},
    "JAKON": {"jkk", "jkm"},
    "PMI": {"jkk", "jkm", "jht"},
}


# Who pays when the file does not say: the employer for wage earners and construction projects.
DEFAULT_FUNDING = {
    s: Funding.EMPLOYER if s in (Segment.PU, Segment.JAKON) else Funding.SELF
    for s in Segment.values
}


@lru_cache(maxsize=200_000)
def _prefixed_codes(prefix: str, code: str) -> tuple[tuple[str, str], ...]:
    return tuple((prefix + column, value) for column, value in regioncodes.level_code_tuple(code))


def _distinct(vendor: str) -> str:
    return "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"


# Text columns: a longer value is rejected (cells.limited), never cut to fit.
NAME_MAX = cells.max_length(Person, "name")
OCCUPATION_MAX = cells.max_length(Person, "occupation")
PHONE_MAX = cells.max_length(Person, "phone")
KPJ_MAX = cells.max_length(Membership, "kpj")
END_REASON_MAX = cells.max_length(Membership, "end_reason")
EMPLOYER_NAME_MAX = cells.max_length(Employer, "name")
NPP_MAX = cells.max_length(Employer, "npp")
NIB_MAX = cells.max_length(Employer, "nib")
KBLI_MAX = cells.max_length(Employer, "kbli")
# What a person is, for the rule on a NIK repeated with other data (row field, file column).
IDENTITY = (("name", "name"), ("sex", "sex"), ("birth_date", "birth_date"))
IDENTITY_LABELS = {
    "name": ("nama", "name"),
    "sex": ("jenis kelamin", "sex"),
    "birth_date": ("tanggal lahir", "birth date"),
}


def identity_conflict(column: str, first: int) -> CellError:
    """A later row of a NIK whose name, sex or birth date differs from its first row's."""
    indonesian, english = IDENTITY_LABELS[column]
    return CellError(
        bilingual(
            f"NIK yang sama sudah ada di baris {first} dengan {indonesian} lain",
            f"the same NIK is on line {first} with another {english}",
        ),
        column,
    )


def parse_identity(
    importer: Importer,
    raw: dict[str, str],
    *,
    regencies: set[str],
    today: dt.date,
    name_max: int = NAME_MAX,
) -> tuple[NikInfo, str, str, dt.date, tuple[str, ...]]:
    """NIK, name, sex and birth date of a person row, as every person list reads them: sex and
    birth date default to the NIK's, and a stated value the NIK contradicts is a warning."""
    try:
        info = parse_nik(raw["nik"], known_regencies=regencies, reference=today)
    except NikError as exc:
        raise CellError(str(exc), "nik") from None
    name = raw["name"]
    if not name:
        raise CellError(bilingual("nama kosong", "name is empty"), "name")
    importer.cell(raw, "name", cells.limited, name_max)
    c = importer.cell
    sex = c(raw, "sex", cells.choice, SEXES, "sex") if raw.get("sex") else info.sex
    birth = c(raw, "birth_date", cells.date) if raw.get("birth_date") else info.birth_date
    return info, name, sex, birth, (*info.warnings, *check_stated(info, sex=sex, birth_date=birth))


class StagedImporter(Importer):
    """Stages a chunk into ``stage_table`` and leaves the upsert SQL to the subclass."""

    stage_table = ""
    stage_columns: tuple[tuple[str, str], ...] = ()  # (name, SQL type)

    def _stage(self, values: list[tuple]) -> None:
        names = ", ".join(n for n, _ in self.stage_columns)
        with connection.cursor() as cur:
            cols = ", ".join(f"{n} {t}" for n, t in self.stage_columns)
            cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.stage_table} ({cols})")
            cur.execute(f"DELETE FROM {self.stage_table}")
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {self.stage_table} ({names}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.stage_columns))
                cur.executemany(
                    f"INSERT INTO {self.stage_table} ({names}) VALUES ({marks})", values
                )

    # Table column → the file column it comes from, for columns a file may leave out.
    optional_sources: dict[str, str] = {}

    def _upsert(
        self, cur: Any, table: str, key: tuple[str, ...], columns: tuple[str, ...], select: str
    ) -> set[tuple[str, ...]]:
        """INSERT the SELECT's rows into ``table``; on a key conflict update only what differs.

        Columns whose source is missing from the file are inserted with their defaults but never
        overwrite existing values. Returns the keys of the rows actually written, as text.
        """
        cur.execute(self.upsert_sql(table, key, columns, select), [timezone.now()])
        return {tuple(str(v) for v in row) for row in cur.fetchall()}

    def updated_columns(self, columns: tuple[str, ...]) -> list[str]:
        """The columns a re-import may change: those whose source column the file has."""
        return [
            c
            for c in columns
            if c not in self.optional_sources or self.optional_sources[c] in self.present
        ]

    def upsert_sql(
        self, table: str, key: tuple[str, ...], columns: tuple[str, ...], select: str
    ) -> str:
        """The statement of ``_upsert``: ``select`` yields key, columns and ``%s`` (updated_at)."""
        distinct = _distinct(connection.vendor)
        updated = self.updated_columns(columns)
        changed = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in updated)
        assignments = ", ".join(f"{c} = excluded.{c}" for c in (*updated, "updated_at"))
        return (
            f"INSERT INTO {table} ({', '.join((*key, *columns, 'updated_at'))}) {select} "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assignments} WHERE {changed} "
            f"RETURNING {', '.join(key)}"
        )


class EmployerImporter(StagedImporter):
    kind = "employers"
    analyze_tables = ("registry_employer",)
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
                "registry_employer",
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


PERSON_COLUMNS = (
    "name",
    "sex",
    "birth_date",
    "domicile_id",
    "occupation",
    "phone",
    "nik_warnings",
    *LEVEL_COLUMNS,
)
# The same columns as the stage table names them (level columns prefixed per table).
PERSON_FIELDS = tuple(f"p_{c}" if c in LEVEL_COLUMNS else c for c in PERSON_COLUMNS)
MEMBERSHIP_COLUMNS = (
    "person_id",
    "employer_id",
    "segment",
    *PROGRAMME_NAMES,
    "wage",
    "work_region_id",
    "end_date",
    "end_reason",
    "funding",
    *LEVEL_COLUMNS,
)


class ParticipantImporter(StagedImporter):
    """BPJS participant extract: one row per membership, the person's data repeated."""

    kind = "participants"
    analyze_tables = ("registry_person", "registry_membership")
    sensitive = frozenset({"nik", "name", "birth_date", "phone"})
    columns = (
        Column("nik", ("no_ktp", "nomor_induk_kependudukan", "no_nik")),
        Column("name", ("nama", "nama_peserta", "nama_lengkap", "full_name")),
        Column("sex", ("jenis_kelamin", "jk", "gender", "kelamin"), required=False),
        Column("birth_date", ("tanggal_lahir", "tgl_lahir", "date_of_birth"), required=False),
        Column(
            "domicile",
            ("kode_desa", "kode_desa_domisili", "domicile_village", "village_code"),
            required=False,
        ),
        Column("occupation", ("pekerjaan", "jenis_pekerjaan"), required=False),
        Column("phone", ("no_hp", "telepon", "nomor_hp", "phone_number"), required=False),
        Column("kpj", ("no_kpj", "nomor_kpj", "kpj_number", "no_kartu")),
        Column("npp", ("no_npp", "employer_npp", "npp_perusahaan"), required=False),
        Column("segment", ("segmen", "jenis_kepesertaan", "kategori")),
        Column("programmes", ("program", "programs", "program_diikuti"), required=False),
        Column("wage", ("upah", "penghasilan", "upah_dilaporkan", "declared_income", "income")),
        Column(
            "work_region", ("kode_wilayah_kerja", "wilayah_kerja", "lokasi_kerja"), required=False
        ),
        Column("start_date", ("tgl_kepesertaan", "tanggal_mulai", "tgl_mulai", "tmt", "start")),
        Column(
            "end_date", ("tgl_berakhir", "tanggal_berakhir", "tgl_nonaktif", "end"), required=False
        ),
        Column("end_reason", ("alasan_berakhir", "alasan_nonaktif"), required=False),
        Column(
            "funding", ("sumber_iuran", "pembayar_iuran", "funding_source", "payer"), required=False
        ),
    )
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
    # transaction with the secondary indexes and foreign keys rebuilt afterwards (bulk.py).
    initial_load_min_rows = 200_000
    # What the last bulk run did: seconds per step, rows handed to the Python parser.
    bulk_timings: dict[str, float]
    bulk_python_rows: int

    def bulk_enabled(self) -> bool:
        return connection.vendor == "postgresql"

    def run_bulk(
        self, job: ImportJob, table: Table, mapping: dict[str, int], progress: Progress
    ) -> None:
        from lindung.registry.bulk import ParticipantBulk

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
        programmes = self._programmes(raw.get("programmes", ""), segment)
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

    @staticmethod
    def _programmes(text: str, segment: str) -> set[str]:
        if not text:
            return DEFAULT_PROGRAMMES[segment]
        names = {
            p.strip().lower()
            for p in text.replace("+", ",").replace(";", ",").replace("/", ",").split(",")
        }
        names.discard("")
        unknown = names - set(PROGRAMME_NAMES)
        if unknown:
            raise CellError(
                bilingual(
                    f"program tidak dikenal: {', '.join(sorted(unknown))}",
                    f"unknown programmes: {', '.join(sorted(unknown))}",
                ),
                "programmes",
            )
        return names

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
        person_select = ", ".join(f"p_{c}" if c in LEVEL_COLUMNS else c for c in PERSON_COLUMNS)
        with connection.cursor() as cur:
            persons = self._upsert(
                cur,
                "registry_person",
                ("nik",),
                PERSON_COLUMNS,
                f"SELECT nik, {person_select}, %s FROM {stage} "
                f"WHERE line IN (SELECT MAX(line) FROM {stage} GROUP BY nik)",
            )
            members = self._upsert(
                cur,
                "registry_membership",
                ("kpj", "start_date"),
                MEMBERSHIP_COLUMNS,
                f"SELECT s.kpj, s.start_date, {', '.join(member_values.values())}, %s "
                f"FROM {stage} s JOIN registry_person p ON p.nik = s.nik "
                "LEFT JOIN registry_employer e ON e.npp = s.npp WHERE true",
            )
        # A row counts as imported when its person or its membership was written.
        imported = sum(
            1
            for _, r in rows
            if (r["nik"],) in persons or (r["kpj"], str(r["start_date"])) in members
        )
        return imported, len(rows) - imported
