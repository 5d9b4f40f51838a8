"""A synthetic social registry (DTSEN-like) of programme candidates for the demo and benches.

Part of the list are people the BPJS registry already knows (same NIK, name and birth date), so
that "already an active participant" has something to exclude; the rest are new people with
well-formed NIKs whose serials (from 5000) cannot collide with the registry's. Deciles lean to
the poor end, as lists built for targeting do. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from lindung.core import regioncodes
from lindung.demo import wordlists as words
from lindung.demo.bulk import insert_rows, sqlite_indexes_deferred
from lindung.programmes.models import Candidate
from lindung.programmes.services.links import link_candidates
from lindung.regions.models import Region, WorkerPopulation
from lindung.registry.models import Person

PERSONS = Person._meta.db_table  # the model's table name, never input

FIELDS = (
    "id", "nik", "kk", "name", "sex", "birth_date", "village_id", "occupation", "welfare_decile",
    "source", "nik_warnings", *regioncodes.LEVEL_COLUMNS.values(), "updated_at", "person_id",
)  # fmt: skip
DECILE_WEIGHTS = (16, 15, 14, 12, 11, 9, 8, 6, 5, 4)
# Plantation workers are what DBH-sawit programmes look for (docs/domain.md §5.3).
OCCUPATIONS = (*words.BPU_OCCUPATIONS, "Buruh kebun", "Pemanen sawit", "Buruh tani")
SOURCE = "DTSEN 2025"
CHUNK = 20_000
SERIAL_BASE = 5000  # registry serials per district and birth date stay far below this


def _villages_by_weight(rng: random.Random) -> tuple[list[str], list[float]]:
    """Lampung villages, each weighted by its regency's worker population over its villages."""
    villages: dict[str, list[str]] = {}
    for code in Region.objects.filter(level="village", code__startswith="18.").values_list(
        "code", flat=True
    ):
        villages.setdefault(code[:5], []).append(code)
    weights = dict(
        WorkerPopulation.objects.filter(region__level="regency", region_id__in=villages)
        .order_by("region_id", "-reference_date")
        .values_list("region_id", "value")
    )
    codes, cum, total = [], [], 0.0
    for regency in sorted(villages):
        each = weights.get(regency, 1) / len(villages[regency])
        for village in sorted(villages[regency]):
            total += each
            codes.append(village)
            cum.append(total)
    return codes, cum


def build_social_registry(count: int, *, seed: int = 2025, registry_share: float = 0.15) -> int:
    """Insert ``count`` candidates (none when candidates exist already); returns how many."""
    if Candidate.objects.exists():
        return 0
    rng = random.Random(seed)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    known = int(count * registry_share)
    rows: list[tuple[Any, ...]] = []
    next_id = 1
    # One transaction with the indexes built once at the end: row by row in autocommit, SQLite
    # committed (and wrote the pages of every index) once per candidate.
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        sqlite_indexes_deferred(cursor, (Candidate,)),
    ):
        # People the registry knows: every k-th person, so the sample spans regencies and years.
        step = max(1, _person_count() // max(known, 1))
        cursor.execute(
            f"SELECT id, nik, name, sex, birth_date, domicile_id, occupation FROM {PERSONS}"  # noqa: S608
            " WHERE id %% %s = 0 ORDER BY id",
            [step],
        )
        for person, nik, name, sex, birth, village, occupation in cursor.fetchall()[:known]:
            occupation = occupation or rng.choice(OCCUPATIONS)
            rows.append((*_row(rng, nik, name, sex, birth, village, occupation, now), person))
        codes, cum = _villages_by_weight(rng)
        serials: dict[tuple[str, dt.date], int] = {}
        made = len(rows)
        while made < count:
            made += 1
            village = rng.choices(codes, cum_weights=cum)[0]
            male = rng.random() < 0.6
            birth = dt.date(2025, 7, 1) - dt.timedelta(days=rng.randrange(18 * 365, 70 * 365))
            key = (village[:8], birth)
            serials[key] = serials.get(key, SERIAL_BASE) + 1
            nik = (
                f"{village[:8].replace('.', '')}{birth.day + (0 if male else 40):02d}"
                f"{birth.month:02d}{birth.year % 100:02d}{serials[key]:04d}"
            )
            given = rng.choice(words.MALE_GIVEN if male else words.FEMALE_GIVEN)
            name = f"{given} {rng.choice(words.SECOND_NAMES)}"
            sex, occupation = ("M" if male else "F"), rng.choice(OCCUPATIONS)
            # A new NIK (serials from SERIAL_BASE): not a registry person.
            rows.append((*_row(rng, nik, name, sex, birth, village, occupation, now), None))
            if len(rows) >= CHUNK:
                next_id = _flush(cursor, rows, next_id)
                rows = []
        _flush(cursor, rows, next_id)
        # Explicit ids: PostgreSQL's sequence must move past them.
        for sql in connection.ops.sequence_reset_sql(no_style(), [Candidate]):
            cursor.execute(sql)
    link_candidates()  # moves the marks past the rows written here
    return count


def _flush(cursor: Any, rows: list[tuple[Any, ...]], next_id: int) -> int:
    insert_rows(cursor, Candidate, FIELDS, [(next_id + i, *row) for i, row in enumerate(rows)])
    return next_id + len(rows)


def _person_count() -> int:
    return Person.objects.count()


def _row(rng: random.Random, nik, name, sex, birth, village, occupation, now) -> tuple[Any, ...]:
    decile = rng.choices(range(1, 11), weights=DECILE_WEIGHTS)[0]
    kk = f"{nik[:6]}{rng.randrange(10**10):010d}"
    codes = regioncodes.level_code_tuple(village)
    return (nik, kk, name, sex, birth, village, occupation, decile, SOURCE, "",
            *(v for _c, v in codes), now)  # fmt: skip
