"""Demo registration requests (issue 20 item 8): requests from every channel in 2024–2025, most
confirmed, some rejected with the branch's reasons, a few still open for the branch's worklist, so
the funnel is real in ``make demo``.

The confirmed ones are the registry's own memberships that started in those years, linked by
their KPJ (as a branch confirmation links a membership it already made): the demo's calibrated
coverage stays exactly what it was. Rejected and open requests are people not in the registry.
Idempotent: nothing is made when any request exists. Rows are written directly (a demo builder,
as the synthetic registry is), priced by the contribution engine.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from lindung.core.months import add_months
from lindung.core.nik import build_nik
from lindung.registrations import rules
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registrations.services import new_reference
from lindung.registry.models import Membership, Segment

CONFIRMED = {"full": 1_200, "small": 120}
REJECT_REASONS = (
    "NIK tidak ditemukan di Dukcapil / NIK not found at Dukcapil",
    "Tanggal lahir tidak cocok dengan NIK / birth date disagrees with the NIK",
    "Sudah terdaftar di kantor cabang lain / already registered at another branch",
    "Upah yang dilaporkan di bawah UMK / reported wage below the UMK",
)
FIRST = dt.date(2024, 1, 1)
LAST = dt.date(2025, 12, 1)


def _channel(rng: random.Random, membership: Membership) -> str:
    if membership.segment == Segment.PU:
        return Channel.EMPLOYER if rng.random() < 0.85 else Channel.OFFICER
    return rng.choices((Channel.SELF, Channel.VILLAGE, Channel.OFFICER), (0.5, 0.35, 0.15))[0]


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8 + rng.randrange(9))))


def _price(row: Registration, lookups: dict) -> int:
    draft = rules.Draft(
        segment=row.segment, nik=row.nik, name=row.name, birth_date=row.birth_date, sex=row.sex,
        village=row.village, occupation=row.occupation, wage=row.wage,
        programmes=row.programmes.split(), first_month=row.first_month, employer=row.employer,
    )  # fmt: skip
    try:
        return rules.price(draft, lookups)
    except rules.Refused:
        return 0


def ensure_demo_registrations(*, scale: str = "full", seed: int = 20231231) -> int:
    """Make the demo's requests when there are none; returns how many were made."""
    if Registration.objects.exists():
        return 0
    rng = random.Random(seed + 20)
    started = list(
        Membership.objects.filter(
            start_date__gte=FIRST, start_date__lte=LAST, segment__in=(Segment.PU, Segment.BPU)
        )
        .select_related("person__domicile", "employer")
        .order_by("pk")[: CONFIRMED.get(scale, 120) * 4]
    )
    rng.shuffle(started)
    chosen = [m for m in started if m.person.domicile_id][: CONFIRMED.get(scale, 120)]
    rows: list[tuple[Registration, dt.date]] = []
    for m in chosen:
        person = m.person
        submitted = m.start_date - dt.timedelta(days=rng.randrange(7, 40))
        row = Registration(
            reference=new_reference(), channel=_channel(rng, m), status=Status.CONFIRMED,
            segment=m.segment, nik=person.nik, name=person.name, birth_date=person.birth_date,
            sex=person.sex, village=person.domicile, occupation=person.occupation,
            wage=m.wage or 1_000_000,
            programmes=" ".join(p.upper() for p in ("jkk", "jkm", "jht", "jp") if getattr(m, p)),
            first_month=m.start_date.replace(day=1), employer=m.employer,
            payer=Payer.EMPLOYER if m.segment == Segment.PU else Payer.SELF,
            kpj=m.kpj, membership=m,
            sent_at=_moment(submitted + dt.timedelta(days=3), rng),
            decided_at=_moment(m.start_date, rng),
        )  # fmt: skip
        rows.append((row, submitted))
    villages = [r.village for r, _ in rows] or []
    extra = max(1, len(rows) // 8)
    for n in range(extra * 2):  # rejected, then still open (sent, checked, submitted)
        if not villages:
            break
        village = rng.choice(villages)
        birth = dt.date(1970 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
        sex = rng.choice("MF")
        month = add_months(FIRST, rng.randrange(24))
        rejected = n < extra
        status = Status.REJECTED if rejected else rng.choice(
            (Status.SENT, Status.CHECKED, Status.SUBMITTED)
        )  # fmt: skip
        submitted = month - dt.timedelta(days=rng.randrange(5, 30))
        if not rejected:  # open requests are recent: the branch's worklist of now
            month = add_months(LAST, -rng.randrange(2))
            submitted = month - dt.timedelta(days=rng.randrange(1, 20))
        row = Registration(
            reference=new_reference(), channel=rng.choice((Channel.SELF, Channel.VILLAGE)),
            status=status, segment=Segment.BPU,
            nik=build_nik(village.code[:8], birth, sex, 9000 + n), name=f"Calon Peserta {n + 1}",
            birth_date=birth, sex=sex, village=village, occupation="Petani",
            wage=1_000_000, programmes="JKK JKM", first_month=month,
            payer=rng.choice((Payer.SELF, Payer.HELP)),
            branch_reason=rng.choice(REJECT_REASONS) if rejected else "",
            sent_at=_moment(submitted + dt.timedelta(days=2), rng)
            if status in (Status.REJECTED, Status.SENT) else None,
            decided_at=_moment(month, rng) if rejected else None,
        )  # fmt: skip
        rows.append((row, submitted))
    prices: dict[tuple[str, int, str, dt.date, int | None], int] = {}
    lookups: dict[tuple, int] = {}  # the contribution engine's rate rows, read once
    for row, _ in rows:
        # The JKK rate follows the employer's risk class: part of what fixes the price.
        risk = getattr(row.employer, "risk_class", None)
        key = (row.segment, row.wage, row.programmes, row.first_month, risk)
        if key not in prices:
            prices[key] = _price(row, lookups)
        row.monthly_contribution = prices[key]
        row.assign_region_codes(row.village_id)
    with transaction.atomic():
        made = Registration.objects.bulk_create([r for r, _ in rows], batch_size=2_000)
        for row, (_, submitted) in zip(made, rows, strict=True):
            Registration.objects.filter(pk=row.pk).update(submitted_at=_moment(submitted, rng))
    return len(made)
