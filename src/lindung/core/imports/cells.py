"""Cell parsers shared by importers. Each returns a value or raises CellError with a bilingual
reason; none of them guesses (a value Excel mangled is rejected with a hint, not repaired)."""

from __future__ import annotations

import datetime as dt
import re

from lindung.core import regioncodes
from lindung.core.loading import bilingual


class CellError(ValueError):
    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_INTEGER = re.compile(r"^[0-9]+$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _scientific(text: str) -> CellError:
    return CellError(
        bilingual(
            f"angka dalam notasi ilmiah ({text}): digit hilang, simpan kolom sebagai teks",
            f"number in scientific notation ({text}): digits lost, store the column as text",
        )
    )


def digits(text: str, length: int | None = None, label: str = "") -> str:
    """An identifier of ASCII digits (NPP, KPJ, NIB): never a number, so no rounding."""
    if _SCIENTIFIC.match(text):
        raise _scientific(text)
    if text.endswith(".0") and _INTEGER.match(text[:-2]):
        raise CellError(
            bilingual(
                f"{label} tersimpan sebagai angka ({text}); simpan kolom sebagai teks",
                f"{label} was stored as a number ({text}); store the column as text",
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
    if text in known:
        if level and regioncodes.level_of(text) != level:
            raise CellError(
                bilingual(
                    f"kode {text} bukan tingkat {level}", f"code {text} is not at level {level}"
                )
            )
        return text
    parts = text.split(".")
    if not regioncodes.is_valid_code(text) and all(p.isdigit() for p in parts):
        padded = ".".join(p if i == 0 or len(p) != 1 else p + "0" for i, p in enumerate(parts))
        if padded in known or any(len(p) == 1 for p in parts[1:]):
            raise CellError(
                bilingual(
                    f"kode wilayah {text} dirusak spreadsheet (mungkin {padded}); "
                    "simpan kolom sebagai teks",
                    f"region code {text} was mangled by a spreadsheet (probably {padded}); "
                    "store the column as text",
                )
            )
    raise CellError(
        bilingual(f"kode wilayah tidak dikenal: {text}", f"unknown region code: {text}")
    )


def choice(text: str, mapping: dict[str, str], label: str) -> str:
    key = text.strip().lower()
    if key in mapping:
        return mapping[key]
    allowed = ", ".join(sorted({v for v in mapping.values()}))
    raise CellError(
        bilingual(
            f"{label} tidak dikenal: {text} ({allowed})", f"unknown {label}: {text} ({allowed})"
        )
    )
