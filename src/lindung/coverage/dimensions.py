"""The breakdowns of coverage (issue 4 §1): segment, sex, age band, sector and funding source.

Each value of each dimension is one integer column of the fact table, so a region × month is one
row and every dashboard figure is a column read, never a scan. The vocabularies are the registry's
choices (segment, sex, funding), fixed age bands and the KBLI 2020 sections
(``data/kbli_sections.csv``, the same letters as ISIC rev. 4).

A person with several active memberships is counted once, under their *primary* membership (see
``SEGMENT_PRIORITY``), so every breakdown sums to the covered total.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Age bands live in core: the registry's masks show them too.
from lindung.core.ages import AGE_BANDS, AGE_LABELS
from lindung.registry.models import Funding, Segment, Sex

DATA_DIR = Path(__file__).resolve().parent / "data"

# Which membership speaks for a person holding several at once: the employer relationship first
# (PU, then Jakon and PMI, which an employer or agency also reports), self-registered BPU last;
# then the earliest start, then the lowest id, so the choice is deterministic.
SEGMENT_PRIORITY: tuple[str, ...] = (Segment.PU, Segment.JAKON, Segment.PMI, Segment.BPU)

NO_SECTOR = "none"


@dataclass(frozen=True)
class Sector:
    code: str  # KBLI section letter, lower case
    first_division: str
    last_division: str
    name_id: str
    name_en: str


@cache
def sectors() -> tuple[Sector, ...]:
    with open(DATA_DIR / "kbli_sections.csv", encoding="utf-8") as fh:
        return tuple(
            Sector(r["section"], r["division_from"], r["division_to"], r["name_id"], r["name_en"])
            for r in csv.DictReader(fh)
        )


def sector_of(kbli: str | None) -> str:
    """KBLI code (5 digits) → section letter; no employer or an unknown code → ``none``."""
    division = (kbli or "")[:2]
    if not (len(division) == 2 and division.isascii() and division.isdigit()):
        return NO_SECTOR
    for sector in sectors():
        if sector.first_division <= division <= sector.last_division:
            return sector.code
    return NO_SECTOR


@dataclass(frozen=True)
class Value:
    column: str  # fact-table column
    code: str  # value as stored in the source rows
    label: Any  # str or a lazy translation


@dataclass(frozen=True)
class Dimension:
    key: str  # as in ``--by``
    label: Any
    values: tuple[Value, ...]


def _choices(prefix: str, choices: type) -> tuple[Value, ...]:
    return tuple(Value(f"{prefix}_{v.lower()}", v, label) for v, label in choices.choices)


def dimensions() -> dict[str, Dimension]:
    """Built per call: labels follow the active language."""
    english = (get_language() or "id").startswith("en")
    sector_values = (
        *(
            Value(
                f"sector_{s.code}",
                s.code,
                f"{s.code.upper()} {s.name_en if english else s.name_id}",
            )
            for s in sectors()
        ),
        Value(f"sector_{NO_SECTOR}", NO_SECTOR, _("No employer / unknown KBLI")),
    )
    return {
        "segment": Dimension("segment", _("Segment"), _choices("segment", Segment)),
        "sex": Dimension("sex", _("Sex"), _choices("sex", Sex)),
        "age": Dimension(
            "age",
            _("Age band"),
            tuple(Value(f"age_{code}", code, AGE_LABELS[code]) for code, _y in AGE_BANDS),
        ),
        "sector": Dimension("sector", _("Sector (KBLI)"), sector_values),
        "funding": Dimension("funding", _("Contribution paid by"), _choices("funding", Funding)),
    }


# Column names do not depend on the active language, so they are computed without labels.
def _column_names() -> tuple[str, ...]:
    names = [f"segment_{v.lower()}" for v in Segment.values]
    names += [f"sex_{v.lower()}" for v in Sex.values]
    names += [f"age_{code}" for code, _y in AGE_BANDS]
    names += [f"sector_{s.code}" for s in sectors()] + [f"sector_{NO_SECTOR}"]
    names += [f"funding_{v.lower()}" for v in Funding.values]
    return tuple(names)


COUNT_COLUMNS: tuple[str, ...] = _column_names()
# The source expression each dimension's values are compared with (see facts.py).
SOURCE_FIELDS = {
    "segment": "segment",
    "sex": "sex",
    "age": "age_band",
    "sector": "sector",
    "funding": "funding",
}
