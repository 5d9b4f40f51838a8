"""Masks for personal data (docs/privacy.md, docs/domain.md §9): what lists, API and exports show.

Every function is total: blank or malformed input gives a masked (or empty) string, never the input.
``mask_nik`` is the one of ``lindung.core.nik`` (``18**************``), re-exported here.
The rule, and why a masked row cannot be narrowed down to a person: docs/privacy.md.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core.ages import age_band_label
from lindung.core.nik import mask_nik
from lindung.registry.models import PROGRAMMES

if TYPE_CHECKING:
    from lindung.registry.models import Membership, Person

MASK = "*"
__all__ = [
    "age_band",
    "mask_kpj",
    "mask_name",
    "mask_nik",
    "mask_phone",
    "present_membership",
    "present_person",
    "wage_band",
]


def mask_name(name: str) -> str:
    """Initials of each word with a fixed-length tail: ``Siti Aminah`` → ``S*** A***``."""
    return " ".join(word[0] + MASK * 3 for word in (name or "").split())


def mask_phone(phone: str) -> str:
    """``081234567890`` → ``0812******90``; short numbers are masked whole."""
    phone = (phone or "").strip()
    if len(phone) < 8:
        return MASK * len(phone)
    return phone[:4] + MASK * (len(phone) - 6) + phone[-2:]


def mask_kpj(kpj: str) -> str:
    """The KPJ card number identifies a person as well as the NIK does: keep the last 3 only."""
    kpj = (kpj or "").strip()
    if len(kpj) < 6:
        return MASK * len(kpj)
    return MASK * (len(kpj) - 3) + kpj[-3:]


def age_band(birth_date: dt.date | None, day: dt.date | None = None) -> str:
    """A masked birth date: the age band on ``day`` (today), e.g. "25–34" — at least ten years
    wide, so with the sex and the village a masked row still fits millions of NIKs."""
    return age_band_label(birth_date, day or timezone.localdate())


def wage_band(wage: int | None) -> str:
    """Income is financial personal data: shown as a band of one million Rupiah, e.g. "2–3 million".

    The lower bound is inclusive, the upper bound exclusive (2,999,999 is in "2–3 million").
    """
    if wage is None:
        return ""
    low = max(wage, 0) // 1_000_000
    return _("%(low)s–%(high)s million") % {"low": low, "high": low + 1}


# --- What pages receive -------------------------------------------------------------------------
# Templates get these plain dicts, never model instances, so no template can print a raw field.


def present_person(person: Person, *, revealed: bool = False) -> dict[str, Any]:
    return {
        "id": person.pk,
        "nik": person.nik if revealed else mask_nik(person.nik),
        "name": person.name if revealed else mask_name(person.name),
        "sex": person.get_sex_display(),
        "birth": person.birth_date if revealed else age_band(person.birth_date),
        "phone": person.phone if revealed else mask_phone(person.phone),
        "occupation": person.occupation,
        "village_code": person.village_code,
        "warnings": person.nik_warnings,
        "revealed": revealed,
    }


def present_membership(m: Membership, *, revealed: bool = False) -> dict[str, Any]:
    """Needs ``person`` and ``employer`` joined (the selectors do)."""
    employer = m.employer
    return {
        "id": m.pk,
        "person_id": m.person_id,
        "person_nik": m.person.nik if revealed else mask_nik(m.person.nik),
        "person_name": m.person.name if revealed else mask_name(m.person.name),
        "employer_npp": employer.npp if employer else "",
        "employer_name": employer.name if employer else "",
        "segment": m.segment,
        "segment_label": m.get_segment_display(),
        "kpj": m.kpj if revealed else mask_kpj(m.kpj),
        "programmes": [p.upper() for p in PROGRAMMES if getattr(m, p)],
        "wage": m.wage if revealed else wage_band(m.wage),
        "work_region_code": m.work_region_id,
        "start_date": m.start_date,
        "end_date": m.end_date,
        "end_reason": m.end_reason,
        "funding": m.get_funding_display(),
    }
