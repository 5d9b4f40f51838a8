"""What a registration request is checked against when it is submitted (docs/domain.md §1–2,
§8.1, §13.1): refusals stop it, warnings go with it to an officer's check, and the contribution
engine prices its first month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lindung.compliance.checks import JP_SIZES, minimum_wages, wage_for
from lindung.contributions.calculator import CalculationError, calculate_month
from lindung.core.i18n import bilingual
from lindung.core.nik import NikError, check_stated, parse_nik
from lindung.programmes.models import FundedMonth
from lindung.registrations.models import OPEN_STATUSES, Registration
from lindung.registry.models import Membership, Segment

BASE_PROGRAMMES = ("JKK", "JKM")
PU_PROGRAMMES = ("JKK", "JKM", "JHT")


@dataclass
class Draft:
    """The data of a request before it is stored (a form's or a file row's cleaned values)."""

    segment: str
    nik: str
    name: str
    birth_date: dt.date
    sex: str
    village: Any  # regions.Region
    occupation: str
    wage: int
    programmes: list[str]
    first_month: dt.date
    employer: Any = None  # registry.Employer, PU only
    warnings: list[str] = field(default_factory=list)


class Refused(Exception):
    """The request cannot be registered (bilingual reason)."""


def refuse(draft: Draft) -> None:
    """Raise ``Refused`` when the NIK is invalid, the person is already an active participant
    of the segment, has an open request in it, or a programme funds them from that month."""
    try:
        info = parse_nik(draft.nik)
    except NikError as exc:
        raise Refused(bilingual(f"NIK tidak sah: {exc}", f"invalid NIK: {exc}")) from None
    draft.nik = info.nik
    if draft.segment == Segment.PU and draft.employer is None:
        raise Refused(bilingual("pekerja PU perlu NPP pemberi kerja", "a PU worker needs an NPP"))
    active = Membership.objects.filter(
        person__nik=draft.nik, segment=draft.segment, start_date__lte=draft.first_month
    ).exclude(end_date__lte=draft.first_month)
    if active.exists():
        raise Refused(
            bilingual(
                f"sudah menjadi peserta aktif segmen {draft.segment}",
                f"already an active participant of segment {draft.segment}",
            )
        )
    if Registration.objects.filter(
        nik=draft.nik, segment=draft.segment, status__in=OPEN_STATUSES
    ).exists():
        raise Refused(
            bilingual(
                "sudah ada pendaftaran yang sedang diproses untuk NIK ini",
                "a registration for this NIK is already being processed",
            )
        )
    if FundedMonth.objects.filter(nik=draft.nik, month__gte=draft.first_month).exists():
        raise Refused(
            bilingual(
                "iuran orang ini sudah dibayar oleh sebuah program untuk bulan tersebut",
                "a programme already pays this person's contributions for those months",
            )
        )
    draft.warnings += [
        bilingual(f"NIK tidak cocok dengan data: {w}", f"the NIK disagrees with the data: {w}")
        for w in check_stated(info, sex=draft.sex, birth_date=draft.birth_date)
    ]


def warn(draft: Draft) -> None:
    """Add the rule warnings: a PU wage under the regency's UMK (else the UMP), programmes the
    employer's size class must have and the request lacks."""
    if draft.segment != Segment.PU:
        return
    floor = wage_for(minimum_wages(draft.first_month.year), draft.village.code[:5])
    if floor and draft.wage < floor["amount"]:
        draft.warnings.append(
            bilingual(
                f"upah di bawah {floor['kind']} {floor['year']} (Rp {floor['amount']:,})".replace(
                    ",", "."
                ),
                f"wage below the {floor['kind']} {floor['year']} (Rp {floor['amount']:,})",
            )
        )
    required = list(PU_PROGRAMMES)
    if draft.employer is not None and draft.employer.size_class in JP_SIZES:
        required.append("JP")
    missing = [p for p in required if p not in draft.programmes]
    if missing:
        draft.warnings.append(
            bilingual(
                f"program wajib belum dipilih: {', '.join(missing)}",
                f"required programmes not chosen: {', '.join(missing)}",
            )
        )


def price(draft: Draft, cache: dict[tuple, Any] | None = None) -> int:
    """The first month's total contribution by the contribution engine (Rupiah); ``cache`` is
    shared by the calls of one import or request (calculator.calculate_month)."""
    risk = getattr(draft.employer, "risk_class", None) or 1
    try:
        if draft.segment == Segment.PU:
            result = calculate_month(
                segment=draft.segment,
                month=draft.first_month,
                wage=draft.wage,
                risk_class=risk,
                programmes=draft.programmes,
                cache=cache,
            )
        else:
            result = calculate_month(
                segment=draft.segment,
                month=draft.first_month,
                income=draft.wage,
                programmes=draft.programmes,
                cache=cache,
            )
    except CalculationError as exc:
        raise Refused(str(exc)) from None
    return result.total
