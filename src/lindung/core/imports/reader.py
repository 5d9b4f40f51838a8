"""Reading tabular files: CSV with any delimiter and encoding quirks, or XLSX.

Yields ``(line_number, cells)`` with cells as text, so every importer validates the same way
whatever the file format. Blank lines are skipped; line numbers are those a spreadsheet shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lindung.core.loading import LoadError, bilingual

DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int | None  # data lines, when cheap to know (for progress)
    # A CSV file's path and delimiter, for readers that can take the file whole (columnar.py).
    path: Path | None = None
    delimiter: str | None = None


def normalise_header(name: str) -> str:
    """``"Tanggal Lahir "`` → ``"tanggal_lahir"``: case, spaces, dashes and dots do not matter."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower().lstrip("\ufeff")).strip("_")


def open_table(path: Path) -> Table:
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        return _xlsx(path)
    return _csv(path)


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


def _csv(path: Path) -> Table:
    with open(path, "rb") as fh:
        sample = fh.read(64 * 1024)
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(sample) < 64 * 1024 or exc.start < len(sample) - 4:
            raise LoadError(
                bilingual(
                    "Berkas bukan UTF-8; simpan ulang sebagai CSV UTF-8",
                    "the file is not UTF-8; save it again as CSV UTF-8",
                )
            ) from exc
        text = sample[: exc.start].decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delimiter = max(DELIMITERS, key=first.count)
    fh = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the generator
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise LoadError(bilingual("Berkas kosong", "the file is empty")) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        with fh:
            for record in reader:
                if any(cell.strip() for cell in record):
                    yield reader.line_num, record

    return Table(
        header=header,
        rows=rows(),
        total=max(_count_lines(path) - 1, 0),
        path=path,
        delimiter=delimiter,
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        # A number cell: Excel keeps only 15 significant digits, so a 16-digit NIK stored as a
        # number is already wrong. Passing it on as a float gets it rejected as mangled.
        value = float(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(values)]
    except StopIteration:
        workbook.close()
        raise LoadError(bilingual("Lembar kerja kosong", "the worksheet is empty")) from None
    total = (sheet.max_row - 1) if sheet.max_row else None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, record in enumerate(values, start=2):
                cells = [_cell_text(v) for v in record]
                if any(c.strip() for c in cells):
                    yield line, cells
        finally:
            workbook.close()

    return Table(header=header, rows=rows(), total=total)
