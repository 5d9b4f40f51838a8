"""A file's rows in DuckDB, for set-based validation of large imports (docs/ARCHITECTURE.md,
"Imports: the columnar stage").

DuckDB reads a CSV file on every core, column by column; the Python reader (reader.py) stays
the reference. Both give the same cells, and the same line numbers, when these hold — each
checked here before DuckDB's reading is trusted:

* the file is CSV (not XLSX);
* every quote character sits at a field boundary: the two readers disagree only about quotes
  elsewhere (``a; "b"``, ``"a"b``);
* DuckDB, in strict mode, reads one record of the header's width per physical line after the
  header. It skips empty lines and joins quoted line breaks, which would shift line numbers;
  a record of another width, mixed line endings or bad UTF-8 is an error.

Then a record's line is its position + 2. Cells are stripped as Python's ``str.strip`` strips
them, and records whose cells are all blank are skipped, as the reader skips them. When any
check fails, the reader's own rows go to DuckDB through a CSV file instead: slower, the same.
"""

# SQL built from constants, column positions and an escaped path; never from cell values.
# ruff: noqa: S608

from __future__ import annotations

import csv
import io
import mmap
import tempfile
from typing import Any

import duckdb
import numpy as np

from lindung.core.imports.reader import Table

# What Python's str.strip() strips, as one string for DuckDB's trim(text, characters).
WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
QUOTE, SPACE, LF, CR = ord('"'), ord(" "), ord("\n"), ord("\r")
# How much a file's cells need stripping (see _scan).
NO_EDGE_WHITESPACE, SPACES_ONLY, ANY_WHITESPACE = "none", "spaces", "any"


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for one import."""
    return duckdb.connect(":memory:")


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _trimmed(column: str, trim: str) -> str:
    """The cell as Python's strip() leaves it, as cheaply as the file allows (see _scan)."""
    cell = f"coalesce({column}, '')"
    if trim == NO_EDGE_WHITESPACE:
        return cell
    if trim == SPACES_ONLY:
        return f"trim({cell})"
    return f"trim({cell}, {literal(WHITESPACE)})"


def stage(
    duck: duckdb.DuckDBPyConnection,
    table: Table,
    mapping: dict[str, int],
    info: dict[str, Any] | None = None,
) -> int:
    """Create ``raw`` (ord, line, c_<column> for every mapped column) holding the file's
    non-blank rows in order, ``ord`` from 0; returns the number of rows.

    ``info["plain_text"]`` tells whether no cell can hold a character ``cells.check_text``
    rejects: DuckDB read the file itself (so it is UTF-8) and its bytes hold no control
    character but tab and line ends, and no U+FFFD."""
    duck.execute("SET enable_progress_bar = false")
    trim = _read_whole(duck, table) if table.path and table.delimiter else None
    if info is not None:
        info["plain_text"] = trim is not None and _plain_text(table)
    if trim is None:
        _read_rows(duck, table, mapping)
    else:
        width = len(table.header)
        blank = " AND ".join(f"{_trimmed(f'f{i}', trim)} = ''" for i in range(width))
        blanks = duck.execute(f"SELECT count(*) FROM file WHERE {blank}").fetchone()[0]
        cells = ", ".join(f"{_trimmed(f'f{i}', trim)} AS c_{n}" for n, i in mapping.items())
        if not blanks and trim == NO_EDGE_WHITESPACE:  # nothing to compute: a view will do
            duck.execute(f"CREATE VIEW raw AS SELECT rowid AS ord, rowid + 2 AS line, {cells} "
                         "FROM file")  # fmt: skip
        else:
            ord_ = "rowid" if not blanks else "row_number() OVER (ORDER BY rowid) - 1"
            duck.execute(
                f"CREATE TABLE raw AS SELECT {ord_} AS ord, rowid + 2 AS line, {cells} "
                f"FROM file {f'WHERE NOT ({blank})' if blanks else ''} ORDER BY rowid"
            )
            duck.execute("DROP TABLE file")
    return duck.execute("SELECT count(*) FROM raw").fetchone()[0]


def _read_whole(duck: duckdb.DuckDBPyConnection, table: Table) -> str | None:
    """DuckDB reads the CSV file into ``file`` (f0 … fN); returns how its cells need trimming,
    or None when the two readers might not agree on it (nothing is left behind then)."""
    assert table.path is not None and table.delimiter is not None
    with open(table.path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            trim = _scan(data, table.delimiter)
            lines = _physical_lines(data)
    if trim is None:
        return None
    columns = ", ".join(f"'f{i}': 'VARCHAR'" for i in range(len(table.header)))
    try:
        duck.execute(
            f"CREATE TABLE file AS SELECT * FROM read_csv({literal(str(table.path))}, "
            f"delim = {literal(table.delimiter)}, quote = '\"', escape = '\"', header = true, "
            f"auto_detect = false, strict_mode = true, null_padding = false, "
            f"columns = {{{columns}}})"
        )
    except duckdb.Error:
        duck.execute("DROP TABLE IF EXISTS file")
        return None
    if duck.execute("SELECT count(*) FROM file").fetchone()[0] != lines - 1:
        duck.execute("DROP TABLE file")
        return None
    return trim


# Bytes no cell of a plain-text file holds: C0 controls but tab, LF and CR, and DEL.
_CONTROL_BYTES = [b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D)] + [0x7F]


def _plain_text(table: Table) -> bool:
    """Whether the (UTF-8) file's bytes hold no C0 control but tab and line ends, no DEL,
    no C1 control (C2 80–C2 9F) and no U+FFFD (EF BF BD). Line ends are no cell's: DuckDB
    read one record per physical line."""
    assert table.path is not None
    with open(table.path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return True
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _no_control_bytes(data)


def _no_control_bytes(data: Any) -> bool:
    """(Its arrays are gone when it returns, so the mmap can close.)"""
    raw = np.frombuffer(data, dtype=np.uint8)
    lookup = np.zeros(256, dtype=bool)
    lookup[_CONTROL_BYTES] = True
    if lookup[raw].any() or data.find(b"\xef\xbf\xbd") >= 0:
        return False
    if data.find(b"\xc2") >= 0:
        after = raw[np.minimum(np.flatnonzero(raw == 0xC2) + 1, len(raw) - 1)]
        return not ((after >= 0x80) & (after <= 0x9F)).any()
    return True


def _physical_lines(data: Any) -> int:
    raw = np.frombuffer(data, dtype=np.uint8)
    return int(np.count_nonzero(raw == LF)) + (raw[-1] != LF)


# Whitespace other than the space, as UTF-8: where any occurs, cells get the full strip.
_OTHER_ASCII_WHITESPACE = [ord(c) for c in WHITESPACE if c.isascii() and c not in " \n\r"]
_OTHER_WHITESPACE = [c.encode() for c in WHITESPACE if not c.isascii()]


def _scan(data: Any, delimiter: str) -> str | None:
    """One look at the bytes: None when a quote is off a field boundary (the readers could
    disagree, see the module docstring) or a carriage return is not a line end; else how much
    stripping the cells need."""
    d = delimiter.encode()
    if len(d) != 1:
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    last = len(raw) - 1

    def neighbours(at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return raw[np.maximum(at - 1, 0)], raw[np.minimum(at + 1, last)]

    if data.find(b'"') >= 0:
        at = np.flatnonzero(raw == QUOTE)
        before, after = neighbours(at)
        opens = (at == 0) | (before == d[0]) | (before == LF) | (before == QUOTE)
        closes = (at == last) | (after == d[0]) | (after == LF) | (after == CR) | (after == QUOTE)
        if not np.all(opens | closes):
            return None
    if data.find(b"\r") >= 0:
        _, after = neighbours(np.flatnonzero(raw == CR))
        if not np.all(after == LF):
            return None
    lookup = np.zeros(256, dtype=bool)
    lookup[_OTHER_ASCII_WHITESPACE] = True
    if lookup[raw].any() or (
        (raw >= 0x80).any() and any(data.find(c) >= 0 for c in _OTHER_WHITESPACE)
    ):
        return ANY_WHITESPACE
    at = np.flatnonzero(raw == SPACE)
    if at.size:
        before, after = neighbours(at)
        edge = (at == 0) | (at == last)
        for byte in (d[0], LF, CR, QUOTE):
            edge |= (before == byte) | (after == byte)
        if edge.any():
            return SPACES_ONLY
    return NO_EDGE_WHITESPACE


def _read_rows(duck: duckdb.DuckDBPyConnection, table: Table, mapping: dict[str, int]) -> None:
    """The reference reader's rows (stripped, mapped cells) through a CSV file into ``raw``."""
    names = list(mapping)
    width = max(mapping.values()) + 1
    longest = MAX_LINE_BYTES  # DuckDB's default longest line; a longer cell raises it
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")  # one line ending, as DuckDB wants
        for ord_, (line, cells) in enumerate(table.rows):
            if len(cells) < width:  # a short row: missing cells are empty, as in the loop
                cells = [*cells, *([""] * (width - len(cells)))]
            record = [ord_, line, *(cells[mapping[n]].strip() for n in names)]
            writer.writerow(record)
            if sum(len(c) for c in record[2:]) * 8 > longest:  # at most 4 bytes, quotes doubled
                longest = max(longest, _line_bytes(record) + 1024)
        out.flush()
        columns = ", ".join(
            ["'ord': 'BIGINT'", "'line': 'BIGINT'", *(f"'c_{n}': 'VARCHAR'" for n in names)]
        )
        cells = ", ".join(f"coalesce(c_{n}, '') AS c_{n}" for n in names)
        duck.execute(
            f"CREATE TABLE raw AS SELECT ord, line, {cells} "
            f"FROM read_csv({literal(out.name)}, delim = ',', quote = '\"', escape = '\"', "
            f"header = false, auto_detect = false, strict_mode = true, "
            f"max_line_size = {int(longest)}, columns = {{{columns}}}) ORDER BY ord"
        )


MAX_LINE_BYTES = 2_097_152


def _line_bytes(record: list) -> int:
    """The bytes of ``record`` as a CSV line."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(record)
    return len(buffer.getvalue().encode("utf-8"))
