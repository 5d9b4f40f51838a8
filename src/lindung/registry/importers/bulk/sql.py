"""The participant import's set-based validation (in DuckDB, stage.py): lookups built by
the Python parsers, and one SQL statement that applies them.

Every cell that needs real parsing (dates, the NIK's birth date and sex, vocabularies, wages,
programme lists, NPPs, region codes) has few distinct values in a file, even a million-row one.
The Python cell parsers — the row path's own functions — parse each distinct value once; the
results become small lookup tables that the SQL joins. The SQL itself only checks what is
trivially the same in both languages (empty, ASCII digits, comparisons between parsed values).
A row the SQL cannot vouch for goes to ``ParticipantImporter.parse_row``, which gives its reject
(or, rarely, its row). Hence no rule and no reject message is written twice.
"""

# SQL built from constants and catalog names only; cell values are never in the text.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from lindung.core import regioncodes
from lindung.core.imports import cells
from lindung.core.imports.cells import BAD_TEXT_RE2, CellError
from lindung.core.nik import (
    BIRTH_DATE_MISMATCH,
    SEX_MISMATCH,
    UNKNOWN_REGION_PREFIX,
    NikError,
    parse_nik,
)
from lindung.registry.importers.bulk.source import ParticipantSource
from lindung.registry.importers.format import (
    DEFAULT_FUNDING,
    DEFAULT_PROGRAMMES,
    END_REASON_MAX,
    FUNDING,
    KPJ_MAX,
    LEVEL_COLUMNS,
    NAME_MAX,
    OCCUPATION_MAX,
    PHONE_MAX,
    PROGRAMME_NAMES,
    SEGMENTS,
    SEXES,
    parse_programmes,
)
from lindung.registry.models import Segment

BIGINT = 2**63 - 1


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _digits(cell: str, max_length: int) -> str:
    """ASCII digits only (cells.digits' accepting case)."""
    return f"({cell} ~ '^[0-9]+$' AND length({cell}) <= {max_length})"


# Lookups: name → (file columns or parts of them, value columns, parser).
# A parser returns the value columns for a distinct cell text, or None when Python rejects it.


def _choice(mapping: dict[str, str], label: str) -> Callable[[str], tuple | None]:
    def parse(text: str) -> tuple | None:
        try:
            return (cells.choice(text, mapping, label),)
        except CellError:
            return None

    return parse


def _date(text: str) -> tuple | None:
    try:
        value = cells.date(text)
    except CellError:
        return None
    return value, _ddmmyy(value)


def _ddmmyy(value: dt.date) -> str:
    """What check_stated compares of a birth date: day, month and two-digit year."""
    return f"{value.day:02d}{value.month:02d}{value.year % 100:02d}"


def _wage(text: str) -> tuple | None:
    try:
        value = cells.rupiah(text)
    except CellError:
        return None
    return (value,) if value <= BIGINT else None


def _programmes(text: str) -> tuple | None:
    try:  # a non-empty list does not depend on the segment
        names = parse_programmes(text, Segment.PU)
    except CellError:
        return None
    return tuple(p in names for p in PROGRAMME_NAMES)


def nik_birth_parser(today: dt.date) -> Callable[[str], tuple | None]:
    """DDMMYY → parse_nik's (birth date, sex, warnings), via a NIK that differs only there."""

    def parse(ddmmyy: str) -> tuple | None:
        try:
            info = parse_nik(f"187101{ddmmyy}0001", reference=today)
        except NikError:
            return None
        return info.birth_date, _ddmmyy(info.birth_date), info.sex, ",".join(info.warnings)

    return parse


def _levels(code: str) -> tuple[str, ...]:
    """The code's level columns, as the row path computes them (regioncodes)."""
    return tuple(value for _, value in regioncodes.level_code_tuple(code))


def region_parser(known: set[str], level: str | None) -> Callable[[str], tuple | None]:
    def parse(text: str) -> tuple | None:
        try:
            code = cells.region_code(text, known, level)
        except CellError:
            return None
        return code, *_levels(code)

    return parse


def employer_parser(
    employers: dict[str, str | None], ids: dict[str, int]
) -> Callable[[str], tuple | None]:
    """NPP → its employer's village (and level columns), the default work region, and id."""

    def parse(text: str) -> tuple | None:
        try:
            npp = cells.digits(text, None, "NPP")
        except CellError:
            return None
        if npp not in employers:
            return None
        village = employers[npp] or None
        levels = _levels(village) if village else (None,) * len(LEVEL_COLUMNS)
        return village, *levels, ids[npp]

    return parse


REGION_LEVELS = [(c, "text") for c in LEVEL_COLUMNS]
Lookup = tuple[list[tuple[str, slice | None]], list[tuple[str, str]], Callable[[str], tuple | None]]


def lookups(importer: ParticipantSource) -> dict[str, Lookup]:
    """Every lookup: its sources (file column, part of the cell or None), its value columns
    (name, SQL type) and its parser."""
    return {
        "date": (
            [(n, None) for n in ("birth_date", "start_date", "end_date")],
            [("v", "date"), ("ddmmyy", "text")],
            _date,
        ),
        "sex": ([("sex", None)], [("v", "text")], _choice(SEXES, "sex")),
        "segment": ([("segment", None)], [("v", "text")], _choice(SEGMENTS, "segment")),
        "funding": ([("funding", None)], [("v", "text")], _choice(FUNDING, "funding")),
        "wage": ([("wage", None)], [("v", "bigint")], _wage),
        "prog": (
            [("programmes", None)],
            [(p, "boolean") for p in PROGRAMME_NAMES],
            _programmes,
        ),
        "nik": (
            [("nik", slice(6, 12))],  # DDMMYY
            [("born", "date"), ("ddmmyy", "text"), ("sex", "text"), ("warnings", "text")],
            nik_birth_parser(importer.today),
        ),
        "regency": (
            [("nik", slice(0, 4))],  # PPRR: is the NIK's regency a known one?
            [("known", "boolean")],
            lambda pprr: (f"{pprr[:2]}.{pprr[2:]}" in importer.regencies,),
        ),
        "npp": (
            [("npp", None)],
            [("v", "text"), *REGION_LEVELS, ("employer_id", "bigint")],
            employer_parser(importer.employers, importer.employer_ids),
        ),
        "dom": (
            [("domicile", None)],
            [("v", "text"), *REGION_LEVELS],
            region_parser(importer.villages, "village"),
        ),
        "work": (
            [("work_region", None)],
            [("v", "text"), *REGION_LEVELS],
            region_parser(importer.regions, None),
        ),
    }


def validate_sql(
    cells_sql: dict[str, str], today: dt.date, plain_text: bool = False
) -> tuple[str, list[str]]:
    """SELECT of the stage columns (and the employer's id) for every raw row the SQL can vouch
    for, and their names.

    ``cells_sql`` maps each file column to its SQL expression (``''`` when the file lacks it);
    ``plain_text``: the file is known to hold no character ``cells.check_text`` rejects.
    """
    c = dict(cells_sql)
    ref = f"DATE {literal(today.isoformat())}"
    funding_default = " ".join(
        f"WHEN {literal(s)} THEN {literal(str(f))}" for s, f in DEFAULT_FUNDING.items()
    )
    prog_flags = []
    for p in PROGRAMME_NAMES:
        default = [s for s, names in DEFAULT_PROGRAMMES.items() if p in names]
        in_default = f"sg.v IN ({', '.join(literal(s) for s in default)})" if default else "false"
        prog_flags.append(f"CASE WHEN {c['programmes']} = '' THEN {in_default} ELSE pr.{p} END")

    # The row's work region: stated, else the employer's village, else the domicile.
    def work_region(column: str) -> str:  # stated, else the employer's village, else domicile
        return (
            f"CASE WHEN {c['work_region']} <> '' THEN wr.{column} "
            f"WHEN np.v IS NOT NULL THEN np.{column} ELSE dm.{column} END"
        )

    work = work_region("v")
    sex = f"CASE WHEN {c['sex']} = '' THEN nk.sex ELSE sx.v END"
    birth = f"CASE WHEN {c['birth_date']} = '' THEN nk.born ELSE bd.v END"
    nik_ok = (
        f"{_digits(c['nik'], 16)} AND length({c['nik']}) = 16 AND left({c['nik']}, 2) <> '00' "
        f"AND right({c['nik']}, 4) <> '0000' AND nk.born IS NOT NULL AND rk.known IS NOT NULL"
    )
    # cells.check_text: no control character or U+FFFD in any cell the import uses.
    clean_text = (
        "true"
        if plain_text
        else f"NOT regexp_matches(concat({', '.join(c.values())}), {literal(BAD_TEXT_RE2)})"
    )
    ok = " AND ".join(
        (
            clean_text,
            nik_ok,
            f"{c['name']} <> '' AND length({c['name']}) <= {NAME_MAX}",
            f"length({c['occupation']}) <= {OCCUPATION_MAX}",
            f"length({c['phone']}) <= {PHONE_MAX}",
            f"length({c['end_reason']}) <= {END_REASON_MAX}",
            f"({c['sex']} = '' OR sx.v IS NOT NULL)",
            f"({c['birth_date']} = '' OR bd.v IS NOT NULL)",
            "sg.v IS NOT NULL",
            f"({c['npp']} = '' OR np.k IS NOT NULL)",
            f"NOT (sg.v = {literal(Segment.PU)} AND {c['npp']} = '')",
            f"sd.v IS NOT NULL AND sd.v <= {ref}",
            f"({c['end_date']} = '' OR (ed.v IS NOT NULL AND ed.v > sd.v))",
            f"{birth} < sd.v",
            f"({c['domicile']} = '' OR dm.v IS NOT NULL)",
            f"{work} IS NOT NULL",
            f"({c['programmes']} = '' OR pr.k IS NOT NULL)",
            _digits(c["kpj"], KPJ_MAX),
            "wg.v IS NOT NULL",
            f"({c['funding']} = '' OR fd.v IS NOT NULL)",
        )
    )
    birth_mismatch = (
        f"CASE WHEN {c['birth_date']} <> '' AND bd.ddmmyy <> nk.ddmmyy "
        f"THEN {literal(BIRTH_DATE_MISMATCH)} END"
    )
    warnings = (
        f"concat_ws(',', nullif(nk.warnings, ''), CASE WHEN NOT rk.known THEN "
        f"{literal(UNKNOWN_REGION_PREFIX)} END, CASE WHEN {sex} <> nk.sex THEN "
        f"{literal(SEX_MISMATCH)} END, {birth_mismatch})"
    )
    values = {
        "ord": "r.ord",
        "line": "r.line",
        "nik": c["nik"],
        "name": c["name"],
        "sex": sex,
        "birth_date": birth,
        "domicile_id": "dm.v",
        "occupation": c["occupation"],
        "phone": c["phone"],
        "nik_warnings": f"left({warnings}, 200)",
        **{
            f"p_{col}": f"CASE WHEN dm.v IS NOT NULL THEN dm.{col} ELSE {work_region(col)} END"
            for col in LEVEL_COLUMNS
        },
        "kpj": c["kpj"],
        "npp": c["npp"],
        "segment": "sg.v",
        **dict(zip(PROGRAMME_NAMES, prog_flags, strict=True)),
        "wage": "wg.v",
        "work_region_id": work,
        "start_date": "sd.v",
        "end_date": f"CASE WHEN {c['end_date']} <> '' THEN ed.v END",
        "end_reason": c["end_reason"],
        "funding": f"CASE WHEN {c['funding']} <> '' THEN fd.v "
        f"ELSE CASE sg.v {funding_default} END END",
        **{f"m_{col}": work_region(col) for col in LEVEL_COLUMNS},
        "employer_id": "np.employer_id",
    }
    nik = c["nik"]
    select = f"""
      SELECT {", ".join(f"{v} AS {k}" for k, v in values.items())}
      FROM raw r
      LEFT JOIN lk_nik nk ON nk.k = substr({nik}, 7, 6)
      LEFT JOIN lk_date bd ON bd.k = {c["birth_date"]}
      LEFT JOIN lk_date sd ON sd.k = {c["start_date"]}
      LEFT JOIN lk_date ed ON ed.k = {c["end_date"]}
      LEFT JOIN lk_sex sx ON sx.k = {c["sex"]}
      LEFT JOIN lk_segment sg ON sg.k = {c["segment"]}
      LEFT JOIN lk_funding fd ON fd.k = {c["funding"]}
      LEFT JOIN lk_wage wg ON wg.k = {c["wage"]}
      LEFT JOIN lk_prog pr ON pr.k = {c["programmes"]}
      LEFT JOIN lk_npp np ON np.k = {c["npp"]}
      LEFT JOIN lk_dom dm ON dm.k = {c["domicile"]}
      LEFT JOIN lk_work wr ON wr.k = {c["work_region"]}
      LEFT JOIN lk_regency rk ON rk.k = substr({nik}, 1, 4)
      WHERE coalesce({ok}, false)"""
    return select, list(values)
