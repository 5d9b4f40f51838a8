"""Kemendagri region codes (docs/domain.md §8.3): ``PP``, ``PP.RR``, ``PP.RR.SS``,
``PP.RR.SS.NNNN``.

Codes are dotted strings, never numbers (spreadsheets turn 18.10 into 18.1). The level is given by
the number of parts, and every ancestor is a prefix of the code.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

Level = Literal["province", "regency", "district", "village"]
LEVELS: tuple[Level, ...] = ("province", "regency", "district", "village")
LEVEL_COLUMNS: dict[str, str] = {level: f"{level}_code" for level in LEVELS}

# ASCII digits only, whole string: "18\n" or other scripts' digits are not codes.
CODE_PATTERN = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")


def is_valid_code(code: str) -> bool:
    return isinstance(code, str) and CODE_PATTERN.fullmatch(code) is not None


def level_of(code: str) -> Level:
    """Level of a well-formed code; raises ValueError for anything else."""
    if not is_valid_code(code):
        raise ValueError(f"not a Kemendagri region code: {code!r}")
    return LEVELS[code.count(".")]


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestors_of(code: str) -> list[str]:
    """Codes from the province down to and including ``code``."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def level_codes(code: str) -> dict[str, str]:
    """The denormalised ``<level>_code`` columns for a row located at ``code``.

    Levels below the row's own level are empty strings, so an equality filter on one column
    selects a whole subtree without a prefix scan (docs/ARCHITECTURE.md "Region codes").
    """
    return dict(level_code_tuple(code))


@lru_cache(maxsize=200_000)
def level_code_tuple(code: str) -> tuple[tuple[str, str], ...]:
    """Cached form of ``level_codes`` for importers: ~90,000 codes, millions of rows."""
    chain = ancestors_of(code)
    return tuple(
        (LEVEL_COLUMNS[level], chain[i] if i < len(chain) else "") for i, level in enumerate(LEVELS)
    )


def scope_column(code: str) -> str:
    """The column that holds ``code`` on rows inside its subtree."""
    return LEVEL_COLUMNS[level_of(code)]


def is_within(code: str, scope_code: str) -> bool:
    return code == scope_code or code.startswith(scope_code + ".")


def common_ancestor(codes: list[str]) -> str:
    """Deepest code containing all ``codes`` ("" when they share no province)."""
    if not codes:
        return ""
    chains = [ancestors_of(c) for c in codes]
    common = ""
    for level_codes_ in zip(*chains, strict=False):
        if len(set(level_codes_)) != 1:
            break
        common = level_codes_[0]
    return common
