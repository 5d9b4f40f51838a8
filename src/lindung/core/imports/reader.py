"""Reading tabular files: CSV with any delimiter and encoding quirks, or XLSX.

Yields ``(line_number, cells)`` with cells as text, so every importer validates the same way
whatever the file format. Blank lines are skipped; line numbers are those a spreadsheet shows.

A file that cannot be read at all raises ``LoadError`` (its job fails with the reason); a bad
cell never does. A byte that is not UTF-8 becomes U+FFFD, which rejects its row (cells.py)
— only the header must be UTF-8. An XLSX is checked before openpyxl opens it: its uncompressed
size and largest member against the settings (zip bombs), and no XML document type declaration
(DOCTYPE, entities). openpyxl parses through defusedxml, and any error it raises is the file's.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from lindung.core.i18n import bilingual
from lindung.core.loading import LoadError

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


def _not_utf8_header() -> LoadError:
    return LoadError(
        bilingual(
            "Baris judul (baris 1) bukan teks UTF-8; simpan ulang sebagai CSV UTF-8",
            "the header (line 1) is not UTF-8 text; save the file again as CSV UTF-8",
        )
    )


def _csv(path: Path) -> Table:
    with open(path, "rb") as fh:
        sample = fh.read(64 * 1024)
    text = sample.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text else ""
    delimiter = max(DELIMITERS, key=first.count)
    # A cell may be as long as the file: the csv module's default limit (131,072 characters)
    # would stop the file; a cell too long for its column rejects its row instead.
    csv.field_size_limit(max(csv.field_size_limit(), min(sys.maxsize, 2**31 - 1)))
    # errors="replace": a byte that is not UTF-8 becomes U+FFFD, and rejects its row.
    fh = open(path, encoding="utf-8-sig", errors="replace", newline="")  # noqa: SIM115
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise LoadError(bilingual("Berkas kosong", "the file is empty")) from None
    except csv.Error as exc:
        fh.close()
        raise _unreadable(reader.line_num, exc) from None
    if any("\ufffd" in name or "\x00" in name for name in header):  # (NUL: UTF-16)
        fh.close()
        raise _not_utf8_header()

    def rows() -> Iterator[tuple[int, list[str]]]:
        with fh:
            try:
                for record in reader:
                    if any(cell.strip() for cell in record):
                        yield reader.line_num, record
            except csv.Error as exc:
                raise _unreadable(reader.line_num, exc) from None

    return Table(
        header=header,
        rows=rows(),
        total=max(_count_lines(path) - 1, 0),
        path=path,
        delimiter=delimiter,
    )


def _unreadable(line: int, exc: Exception) -> LoadError:
    return LoadError(
        bilingual(
            f"berkas tidak dapat dibaca sebagai CSV pada baris {line} ({exc})",
            f"the file cannot be read as CSV at line {line} ({exc})",
        )
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


def _xlsx_refused(indonesian: str, english: str) -> LoadError:
    return LoadError(
        bilingual(f"Berkas XLSX ditolak: {indonesian}", f"XLSX file refused: {english}")
    )


# How far into an XML member the root element must start (after declaration and comments).
XML_PROLOG_BYTES = 64 * 1024
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")


def _xml_declares_dtd(head: bytes) -> bool:
    """Whether an XML document's prolog holds a DOCTYPE (or entity) declaration, or is longer
    than XML_PROLOG_BYTES (no spreadsheet writes that)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: scan it as UTF-8
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    root = _ROOT.search(head)
    if root is None:
        return len(head) >= XML_PROLOG_BYTES or bool(_DTD.search(head))
    return bool(_DTD.search(head, 0, root.start()))


def check_xlsx(path: Path) -> None:
    """Refuse, before openpyxl reads anything, an XLSX that would expand past the limits
    (``IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES``, ``IMPORT_XLSX_MAX_MEMBER_BYTES``; zipfile never
    inflates a member past the size its directory declares) or whose XML has a DOCTYPE."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            largest = max(members, key=lambda m: m.file_size, default=None)
            if total > settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES:
                limit = filesizeformat(settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES)
                raise _xlsx_refused(
                    f"isinya {filesizeformat(total)} setelah diekstrak (paling besar {limit})",
                    f"it holds {filesizeformat(total)} uncompressed (at most {limit})",
                )
            if largest is not None and largest.file_size > settings.IMPORT_XLSX_MAX_MEMBER_BYTES:
                limit = filesizeformat(settings.IMPORT_XLSX_MAX_MEMBER_BYTES)
                size = filesizeformat(largest.file_size)
                raise _xlsx_refused(
                    f"satu bagiannya {size} setelah diekstrak (paling besar {limit})",
                    f"one of its parts holds {size} uncompressed (at most {limit})",
                )
            for member in members:
                if member.file_size and member.filename.lower().endswith((".xml", ".rels")):
                    with archive.open(member) as fh:
                        head = fh.read(XML_PROLOG_BYTES)
                    if _xml_declares_dtd(head):
                        raise _xlsx_refused(
                            "XML-nya memuat deklarasi DOCTYPE/ENTITY; simpan ulang dari "
                            "program spreadsheet",
                            "its XML holds a DOCTYPE/ENTITY declaration; save it again from "
                            "a spreadsheet program",
                        )
    except LoadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
            NotImplementedError, ValueError) as exc:  # fmt: skip
        raise _damaged_xlsx(exc) from None


def _damaged_xlsx(exc: BaseException, line: int | None = None) -> LoadError:
    where = f" (baris {line})" if line else ""
    where_en = f" (line {line})" if line else ""
    return LoadError(
        bilingual(
            f"Berkas XLSX rusak atau tidak didukung{where}: {type(exc).__name__}; "
            "simpan ulang dari program spreadsheet",
            f"the XLSX file is damaged or not supported{where_en}: {type(exc).__name__}; "
            "save it again from a spreadsheet program",
        )
    )


def _xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    check_xlsx(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
    except Exception as exc:  # openpyxl and defusedxml raise many kinds for one bad file
        raise _damaged_xlsx(exc) from None
    try:
        header = [_cell_text(v) for v in next(values)]
    except StopIteration:
        workbook.close()
        raise LoadError(bilingual("Lembar kerja kosong", "the worksheet is empty")) from None
    except Exception as exc:
        workbook.close()
        raise _damaged_xlsx(exc, 1) from None
    total = (sheet.max_row - 1) if sheet.max_row else None

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 2  # of the record being read
        try:
            for record in values:
                cells = [_cell_text(v) for v in record]
                if any(c.strip() for c in cells):
                    yield line, cells
                line += 1
        except Exception as exc:
            raise _damaged_xlsx(exc, line) from None
        finally:
            workbook.close()

    return Table(header=header, rows=rows(), total=total)
