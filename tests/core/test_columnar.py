"""DuckDB's reading of an import file (core/imports/columnar.py) equals the reference reader's:
the same rows, cells and line numbers, whether DuckDB reads the file itself or, when it might
read it differently, takes the reference reader's rows."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.core.imports import columnar
from lindung.core.imports.reader import open_table

HEADER = "nik;nama;kode"


def staged(path: Path) -> tuple[list[tuple], bool]:
    """DuckDB's rows (line and stripped cells) and whether it read the file itself."""
    table = open_table(path)
    mapping = {name: i for i, name in enumerate(table.header)}
    duck = columnar.connect()
    try:
        columnar.stage(duck, table, mapping)
        rows = duck.execute(
            f"SELECT line, {', '.join(f'c_{n}' for n in mapping)} FROM raw ORDER BY ord"  # noqa: S608
        ).fetchall()
    finally:
        duck.close()
    return rows, inspect.getgeneratorstate(table.rows) == inspect.GEN_CREATED


def reference(path: Path) -> list[tuple]:
    table = open_table(path)
    width = len(table.header)
    return [
        (line, *(cells[i].strip() if i < len(cells) else "" for i in range(width)))
        for line, cells in table.rows
    ]


def write(tmp_path: Path, body: bytes) -> Path:
    path = tmp_path / "file.csv"
    path.write_bytes(body)
    return path


@pytest.mark.parametrize(
    ("body", "whole"),
    [
        (b"nik;nama;kode\n1;Ani;a\n2;Budi;b\n", True),
        (b"\xef\xbb\xbfnik;nama;kode\r\n1;Ani;a\r\n2;Budi;b\r\n", True),  # BOM, CRLF
        (b"nik;nama;kode\n1;Ani;a\n2;Budi;b", True),  # no line break at the end
        (b'nik;nama;kode\n1;"Ani; Sri";a\n2;"Bu""di";b\n', True),  # quoted delimiter, quote
        (b"nik;nama;kode\n1; Ani ;a\n2;\tBudi;b\n", True),  # cells to strip
        (b"nik;nama;kode\n1;Ani\xc2\xa0;a\n", True),  # a no-break space (Python strips it)
        (b"nik;nama;kode\n1;Ani;a\n;;\n2;Budi;b\n", True),  # a row of empty cells: skipped
        (b"nik;nama;kode\n1;Ani;a\n\n2;Budi;b\n", False),  # an empty line: DuckDB skips it
        (b'nik;nama;kode\n1;"Ani\nSri";a\n', False),  # a line break inside quotes
        (b'nik;nama;kode\n1; "Ani";a\n', False),  # a quote after a space
        (b'nik;nama;kode\n1;"Ani"x;a\n', False),  # text after a closing quote
        (b"nik;nama;kode\n1;Ani\n2;Budi;b\n", False),  # a short row
        (b"nik;nama;kode\n1;Ani;a;extra\n", False),  # a long row
        (b"nik;nama;kode\r\n1;Ani;a\n2;Budi;b\r\n", False),  # mixed line endings
        (b"nik;nama;kode\n1;Ani\r;a\n", False),  # a stray carriage return
    ],
)
def test_duckdb_reads_what_the_reference_reader_reads(tmp_path, body: bytes, whole: bool):
    path = write(tmp_path, body)
    rows, read_whole = staged(path)
    assert rows == reference(path)
    assert read_whole == whole


cell = st.text(alphabet=st.sampled_from(list('ab; "\t\n\xa0\u2003é')), max_size=6)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=6))
def test_any_file_of_awkward_cells_reads_the_same(tmp_path, rows):
    lines = []
    for row in rows:
        lines.append(";".join(f'"{c.replace(chr(34), chr(34) * 2)}"' if set(c) & {";", '"', "\n"}
                              else c for c in row))  # fmt: skip
    path = write(tmp_path, (HEADER + "\n" + "\n".join(lines) + "\n").encode())
    assert staged(path)[0] == reference(path)
