"""Cell parsers shared by importers. Each returns a value or raises CellError with a bilingual
reason; none of them guesses (a value Excel mangled is rejected with a hint, not repaired)."""

from __future__ import annotations

import datetime as dt
import re

from lindung.core import regioncodes
from lindung.core.i18n import bilingual


class CellError(ValueError):
    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


# Characters no cell may hold: C0 controls but the tab (NUL above all: PostgreSQL cannot store
# it), DEL, C1 controls (mojibake of a wrong code page) and U+FFFD, which the reader puts in
# place of bytes that are not UTF-8. The same class in DuckDB's (RE2) syntax: bulk_sql.py.
_BAD_TEXT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ufffd]")
BAD_TEXT_RE2 = r"[\x00-\x08\x0a-\x1f\x7f-\x9f\x{fffd}]"
# The largest whole number a BIGINT column holds.
BIGINT_MAX = 2**63 - 1


def check_text(raw: dict[str, str]) -> None:
    """Every cell the import uses is text a database stores as it came: the first cell (in
    column order) with a control character or an undecodable byte rejects the row."""
    text = "".join(raw.values())
    if (text.isprintable() and "\ufffd" not in text) or _BAD_TEXT.search(text) is None:
        return  # the usual row: one look (every character the class holds is unprintable)
    for column, value in raw.items():
        found = _BAD_TEXT.search(value)
        if found is None:
            continue
        char = found.group()
        if char == "\ufffd":
            raise CellError(
                bilingual(
                    f"kolom {column} bukan teks UTF-8 yang sah (byte tak terbaca); "
                    "simpan ulang berkas sebagai CSV UTF-8",
                    f"column {column} is not valid UTF-8 text (an undecodable byte); "
                    "save the file again as CSV UTF-8",
                ),
                column,
            )
        raise CellError(
            bilingual(
                f"karakter kontrol U+{ord(char):04X} di kolom {column}",
                f"control character U+{ord(char):04X} in column {column}",
            ),
            column,
        )


def printable(text: str) -> str:
    """``text`` with its control characters written as ``\\xNN``, for reports and messages."""
    return _BAD_TEXT.sub(
        lambda m: m.group() if m.group() == "\ufffd" else f"\\x{ord(m.group()):02x}", text
    )


def limited(text: str, max_length: int) -> str:
    """Text that fits its column: a longer value is rejected, never cut."""
    if len(text) > max_length:
        raise CellError(
            bilingual(
                f"terlalu panjang: {len(text)} karakter (paling banyak {max_length})",
                f"too long: {len(text)} characters (at most {max_length})",
            )
        )
    return text


def max_length(model: type, field: str) -> int:
    """The ``max_length`` of a model's text field, so the limits follow the models."""
    return model._meta.get_field(field).max_length


def shown(text: str, limit: int = 40) -> str:
    """A cell as a reason quotes it: a long one cut, so the reason keeps both languages."""
    return text if len(text) <= limit else text[:limit] + "…"


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_INTEGER = re.compile(r"^[0-9]+$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _scientific(text: str) -> CellError:
    q = shown(text)
    return CellError(
        bilingual(
            f"angka dalam notasi ilmiah ({q}): digit hilang, simpan kolom sebagai teks",
            f"number in scientific notation ({q}): digits lost, store the column as text",
        )
    )


def digits(text: str, length: int | None = None, label: str = "") -> str:
    """An identifier of ASCII digits (NPP, KPJ, NIB): never a number, so no rounding."""
    if _SCIENTIFIC.match(text):
        raise _scientific(text)
    if text.endswith(".0") and _INTEGER.match(text[:-2]):
        q = shown(text)
        raise CellError(
            bilingual(
                f"{label} tersimpan sebagai angka ({q}); simpan kolom sebagai teks",
                f"{label} was stored as a number ({q}); store the column as text",
            )
        )
    if not (_INTEGER.match(text) and text.isascii()):
        raise CellError(bilingual(f"{label} harus berupa angka", f"{label} must be digits"))
    if length is not None and len(text) != length:
        raise CellError(
            bilingual(
                f"{label} harus {length} digit (ada {len(text)})",
                f"{label} must have {length} digits (got {len(text)})",
            )
        )
    return text


def rupiah(text: str) -> int:
    """Whole Rupiah: ``2500000``, ``2.500.000`` or ``2,500,000``; never decimals or exponents."""
    if _SCIENTIFIC.match(text):
        raise _scientific(text)
    cleaned = text.replace("Rp", "").replace(" ", "")
    if re.fullmatch(r"[0-9]{1,3}([.,][0-9]{3})+", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", "")
    if not (_INTEGER.match(cleaned) and cleaned.isascii()):
        raise CellError(bilingual("jumlah harus rupiah bulat", "amount must be whole Rupiah"))
    if len(cleaned) > 19 or int(cleaned) > BIGINT_MAX:
        raise CellError(bilingual("jumlah terlalu besar", "amount too large"))
    return int(cleaned)


def date(text: str) -> dt.date:
    """``YYYY-MM-DD`` or the Indonesian ``DD/MM/YYYY`` (also with ``-`` or ``.``)."""
    try:
        if len(text) == 10 and text[4] == "-":
            return dt.date.fromisoformat(text)
        match = _DMY.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        raise CellError(bilingual("tanggal tidak mungkin", "impossible date")) from None
    raise CellError(
        bilingual(
            "format tanggal tidak dikenal (pakai YYYY-MM-DD)",
            "unknown date format (use YYYY-MM-DD)",
        )
    )


def region_code(text: str, known: set[str], level: str | None = None) -> str:
    """A Kemendagri code that exists; spots codes Excel turned into numbers (18.10 → 18.1)."""
    q = shown(text)
    if text in known:
        if level and regioncodes.level_of(text) != level:
            raise CellError(
                bilingual(f"kode {q} bukan tingkat {level}", f"code {q} is not at level {level}")
            )
        return text
    parts = text.split(".")
    if not regioncodes.is_valid_code(text) and all(p.isdigit() for p in parts):
        padded = ".".join(p if i == 0 or len(p) != 1 else p + "0" for i, p in enumerate(parts))
        if padded in known or any(len(p) == 1 for p in parts[1:]):
            raise CellError(
                bilingual(
                    f"kode wilayah {q} dirusak spreadsheet (mungkin {shown(padded)}); "
                    "simpan kolom sebagai teks",
                    f"region code {q} was mangled by a spreadsheet (probably {shown(padded)}); "
                    "store the column as text",
                )
            )
    raise CellError(bilingual(f"kode wilayah tidak dikenal: {q}", f"unknown region code: {q}"))


def choice(text: str, mapping: dict[str, str], label: str) -> str:
    key = text.strip().lower()
    if key in mapping:
        return mapping[key]
    q = shown(text)
    allowed = ", ".join(sorted({v for v in mapping.values()}))
    raise CellError(
        bilingual(f"{label} tidak dikenal: {q} ({allowed})", f"unknown {label}: {q} ({allowed})")
    )
