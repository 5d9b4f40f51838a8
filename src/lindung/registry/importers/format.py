"""The BPJS participant extract's format: its columns and their aliases, the vocabularies of its
cells, the defaults of what a file leaves out, and how a person row reads its identity.

One module that the row importer (participants.py), the set-based bulk path (bulk/) and other
apps' person lists (programmes' enrolment confirmations) all import, so no rule is written twice.
"""

from __future__ import annotations

import datetime as dt

from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import Column, Importer
from lindung.core.nik import NikError, NikInfo, check_stated, parse_nik
from lindung.registry.models import Funding, Membership, Person, Segment

LEVEL_COLUMNS = tuple(regioncodes.LEVEL_COLUMNS.values())

# The file's columns: canonical name, the aliases BPJS extracts use, whether a file needs it.
PARTICIPANT_COLUMNS = (
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
    Column("work_region", ("kode_wilayah_kerja", "wilayah_kerja", "lokasi_kerja"), required=False),
    Column("start_date", ("tgl_kepesertaan", "tanggal_mulai", "tgl_mulai", "tmt", "start")),
    Column("end_date", ("tgl_berakhir", "tanggal_berakhir", "tgl_nonaktif", "end"), required=False),
    Column("end_reason", ("alasan_berakhir", "alasan_nonaktif"), required=False),
    Column(
        "funding", ("sumber_iuran", "pembayar_iuran", "funding_source", "payer"), required=False
    ),
)

# Vocabularies: the words a file may use → the stored value.
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

# Defaults of what a file does not say: the programmes of a segment, and who pays (the employer
# for wage earners and construction projects).
DEFAULT_PROGRAMMES = {
    "PU": {"jkk", "jkm", "jht"},
    "BPU": {"jkk", "jkm"},
    "JAKON": {"jkk", "jkm"},
    "PMI": {"jkk", "jkm", "jht"},
}
DEFAULT_FUNDING = {
    s: Funding.EMPLOYER if s in (Segment.PU, Segment.JAKON) else Funding.SELF
    for s in Segment.values
}

# Text columns: a longer value is rejected (cells.limited), never cut to fit.
NAME_MAX = cells.max_length(Person, "name")
OCCUPATION_MAX = cells.max_length(Person, "occupation")
PHONE_MAX = cells.max_length(Person, "phone")
KPJ_MAX = cells.max_length(Membership, "kpj")
END_REASON_MAX = cells.max_length(Membership, "end_reason")

# The stored columns a participant row writes (level columns as the models name them).
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


def parse_programmes(text: str, segment: str) -> set[str]:
    """The programmes a ``programmes`` cell lists (``jkk, jkm`` or ``jkk+jkm``…), or the
    segment's defaults when it is empty. A non-empty list does not depend on the segment."""
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
