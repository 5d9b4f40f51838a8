"""Synthetic Lampung registry: employers, persons and their membership histories 2021–2025.

One ``random.Random(seed)`` drives every draw in a fixed order, so a seed always gives the same
rows (ids included: the registry is emptied first). Rows are generated in chunks of persons and
written inside one transaction (``executemany`` on SQLite with the secondary indexes rebuilt at
the end, ``COPY`` on PostgreSQL): a build either replaces the registry completely or leaves it as
it was. The plan (``demo.plan``) fixes the totals; this module only decides who.

What a build guarantees (tests/demo check it): exactly ``plan.active_total`` distinct persons are
active on 2023-12-31 under ``registry.selectors.active_on``, per regency as planned; NIKs are
``PPRRSS`` of the registration district + birth date (day + 40 for women) + a serial unique per
district and birth date.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import random
from collections.abc import Callable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from lindung.core import regioncodes
from lindung.core.audit import record_audit
from lindung.core.db import refresh_planner_statistics
from lindung.core.loading import LoadResult
from lindung.core.models import AuditLog
from lindung.demo import wordlists as words
from lindung.demo.audit import DemoAudit
from lindung.demo.bulk import DemoError, bigger_sqlite_cache, insert_rows, sqlite_indexes_deferred
from lindung.demo.histories import (
    BPU,
    DUAL,
    JAKON,
    PU,
    SEGMENTS,
    EmployerDraft,
    Histories,
    Interval,
    Pool,
    R,
    day_number,
)
from lindung.demo.plan import FEMALE_ACTIVE, LAMPUNG, MALE_ACTIVE, Plan, RegencyPlan
from lindung.regions.models import Region, RegionBoundary
from lindung.registry.models import Employer, Membership, Person

DEFAULT_SEED = 20231231
CHUNK = 20_000  # persons per executemany round: bounds memory at any scale
Progress = Callable[[int, int], None] | None

REGION_FIELDS = tuple(regioncodes.LEVEL_COLUMNS.values())
# updated_at last: the fingerprint hashes every column but it.
EMPLOYER_FIELDS = (
    "id", "npp", "name", "nib", "kbli", "size_class", "risk_class", "village", "latitude",
    "longitude", "status", "registered_on", "owner", *REGION_FIELDS, "updated_at",
)  # fmt: skip
PERSON_FIELDS = (
    "id", "nik", "name", "sex", "birth_date", "domicile", "occupation", "phone", "nik_warnings",
    *REGION_FIELDS, "updated_at",
)  # fmt: skip
MEMBERSHIP_FIELDS = (
    "id", "person", "employer", "segment", "kpj", "jkk", "jkm", "jht", "jp", "jkp", "wage",
    "work_region", "start_date", "end_date", "end_reason", "funding", *REGION_FIELDS,
    "updated_at",
)  # fmt: skip


# Wages are drawn around the Lampung UMP of their year, read from the MinimumWage table
# (regions/data/lampung_minimum_wages.csv, loaded with the reference data).
UMP_YEARS = range(2021, 2026)


def lampung_ump() -> dict[int, int]:
    from lindung.regions.models import MinimumWage

    known = dict(
        MinimumWage.objects.filter(region_id="18", kind="UMP").values_list("year", "amount")
    )
    if not known:
        raise DemoError("Lampung UMP missing: run `lindung regions load` first")
    # A year without a figure takes the nearest year that has one.
    return {y: known[min(known, key=lambda k: (abs(k - y), -k))] for y in UMP_YEARS}


# Participants' ages on 2023-12-31 (15–65), weight per five-year band.
AGE_BANDS = ((15, 19, 4), (20, 24, 12), (25, 29, 15), (30, 34, 15), (35, 39, 14), (40, 44, 12),
             (45, 49, 10), (50, 54, 8), (55, 59, 6), (60, 65, 4))  # fmt: skip
MALE_SHARE = MALE_ACTIVE / (MALE_ACTIVE + FEMALE_ACTIVE)  # 72.8 %
JAKON_MALE_SHARE = 0.95
# Men among PU and BPU members so that the overall share stays 72.8 % with 95 % in Jakon.
OTHER_MALE_SHARE = (MALE_SHARE - 0.1283 * JAKON_MALE_SHARE) / (1 - 0.1283)
PESISIR_BARAT, LAMPUNG_BARAT = "18.13", "18.04"
PARENT_NIK_SHARE = 0.35  # Pesisir Barat residents still holding a Lampung Barat NIK (§7.3)
ELSEWHERE_SHARE = 0.03  # NIK issued in another district of Lampung
# Former members are mostly PU (Kemnaker's inactive split: 196,528 PU, 10,891 BPU); joiners
# after 2023 bring more BPU and construction projects.
OTHER_LABELS = (PU, BPU, JAKON)
FORMER_CUM = (72, 85, 100)
JOINER_CUM = (60, 78, 100)
BPU_INCOMES = (1_500_000, 2_000_000, 2_500_000, 3_000_000, 4_000_000)


def _size_class(headcount: int) -> str:
    """BPS-style size by workers: micro < 5, small < 20, medium < 100, large."""
    for floor, size in ((100, "large"), (20, "medium"), (5, "small")):
        if headcount >= floor:
            return size
    return "micro"


def _fifteenth_birthday(birth: int) -> int:
    day = dt.date.fromordinal(birth)
    try:
        return day.replace(year=day.year + 15).toordinal()
    except ValueError:  # born on 29 February
        return dt.date(day.year + 15, 3, 1).toordinal()


class _Builder:
    """Generates and writes the registry for one plan and seed: ``employers``, ``persons``,
    ``finish``, in that order, once."""

    def __init__(self, plan: Plan, seed: int, progress: Progress) -> None:
        self.plan, self.rng, self.progress = plan, random.Random(seed), progress
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.digest = hashlib.sha256()
        self.counts = {"employers": 0, "persons": 0, "memberships": 0}
        self.active_persons = 0
        self.active_by_regency: dict[str, int] = {}
        self.serials: dict[int, int] = {}
        self.headcount: dict[int, list[int]] = {}  # employer id → [active on the day, ever]
        self.level_codes: dict[str, tuple[str, ...]] = {}
        self.days: dict[int, str] = {}
        ages = [(a, w / (hi - lo + 1)) for lo, hi, w in AGE_BANDS for a in range(lo, hi + 1)]
        self.ages = [a for a, _ in ages]
        self.age_cum = list(itertools.accumulate(w for _, w in ages))
        self._load_regions()
        self.ump = lampung_ump()

    # -- reference data ------------------------------------------------------------------------
    def _load_regions(self) -> None:
        self.villages: dict[str, list[str]] = {r.code: [] for r in self.plan.regencies}
        self.districts: dict[str, list[str]] = {r.code: [] for r in self.plan.regencies}
        rows = Region.objects.filter(
            province_code="18", is_active=True, level__in=["district", "village"]
        )
        for code, level in rows.order_by("code").values_list("code", "level"):
            target = self.villages if level == "village" else self.districts
            if code[:5] in target:
                target[code[:5]].append(code)
        empty = [c for c, v in self.villages.items() if not v or not self.districts[c]]
        if empty:
            raise DemoError(f"no villages or districts loaded for {', '.join(empty)}: load regions")
        self.all_districts = [d for c in sorted(self.districts) for d in self.districts[c]]
        boundaries = RegionBoundary.objects.filter(
            region__level="village", region__province_code="18"
        ).values_list("region_id", "centroid_lat", "centroid_lng")
        self.centroids = {code: (lat, lng) for code, lat, lng in boundaries}

    def codes(self, village: str) -> tuple[str, ...]:
        found = self.level_codes.get(village)
        if found is None:
            found = tuple(regioncodes.level_codes(village).values())
            self.level_codes[village] = found
        return found

    def day(self, ordinal: int) -> str:
        """A date parameter as ISO text: what SQLite stores, what PostgreSQL parses, and the
        same bytes in the fingerprint on both."""
        value = self.days.get(ordinal)
        if value is None:
            value = self.days[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return value

    def uniform(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi) if hi > lo else lo

    # -- employers ------------------------------------------------------------------------------
    def employers(self, cursor: Any) -> None:
        rng, plan = self.rng, self.plan
        sections = sorted(words.KBLI_SECTIONS)
        section_cum = list(itertools.accumulate(words.KBLI_SECTIONS[s][0] for s in sections))
        total = sum(sum(r.employers) for r in plan.regencies)
        npps = rng.sample(range(10_000_000, 100_000_000), total)
        self.pools: dict[str, dict[str, Pool]] = {}
        rows, next_id = [], self._next_id(Employer)
        for regency in plan.regencies:
            n_active, n_inactive, _ = regency.employers
            active_pu, active_jakon, everyone = [], [], []
            for k in range(sum(regency.employers)):
                status = ("active", "inactive", "closed")[
                    (k >= n_active) + (k >= n_active + n_inactive)
                ]
                if k < 2:  # a construction and a non-construction employer in every regency
                    section = words.CONSTRUCTION if k == 0 else "G"
                else:
                    pick = rng.random() * section_cum[-1]
                    section = sections[bisect.bisect_right(section_cum, pick)]
                _, kbli_codes, risks = words.KBLI_SECTIONS[section]
                village = rng.choice(self.villages[regency.code])
                if status == "closed" or rng.random() < 0.8:
                    registered = self.uniform(day_number(1990, 1, 1), day_number(2015, 12, 31))
                else:
                    registered = self.uniform(day_number(2016, 1, 1), day_number(2023, 6, 30))
                # Zipf-like sizes: mostly micro and small firms, a few plantations and mills
                # with thousands of workers.
                weight = min(rng.paretovariate(1.0), 3000.0) - 0.8
                employer = EmployerDraft(next_id, section, village, registered, weight)
                w = words.EMPLOYER_WORDS
                name = f"{'PT' if rng.random() < 0.7 else 'CV'} {rng.choice(w)} {rng.choice(w)}"
                if rng.random() < 0.3:
                    name += f" {rng.choice(w)}"
                nib = str(rng.randrange(10**12, 10**13)) if rng.random() < 0.85 else ""
                # Drawn even without boundaries, so the rest of the stream does not depend on them.
                jitter = (rng.uniform(-0.004, 0.004), rng.uniform(-0.004, 0.004))
                lat = lng = None
                if village in self.centroids:
                    centre = self.centroids[village]
                    lat, lng = round(centre[0] + jitter[0], 6), round(centre[1] + jitter[1], 6)
                rows.append(
                    (next_id, str(npps[len(rows)]), name, nib, rng.choice(kbli_codes), "",
                     rng.choice(risks), village, lat, lng, status, self.day(registered), None,
                     *self.codes(village), self.now)
                )  # fmt: skip
                self.headcount[next_id] = [0, 0]
                everyone.append(employer)
                if status == "active":
                    (active_jakon if section == words.CONSTRUCTION else active_pu).append(employer)
                next_id += 1
            self.pools[regency.code] = {
                "pu": Pool(active_pu),
                "jakon": Pool(active_jakon),
                "any": Pool(everyone),
                "construction": Pool([e for e in everyone if e.section == words.CONSTRUCTION]),
            }
        self._write(cursor, Employer, EMPLOYER_FIELDS, rows)
        self.counts["employers"] = len(rows)
        self.histories = Histories(rng, self.pools, [r.code for r in plan.regencies])

    def _next_id(self, model: type[models.Model]) -> int:
        return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1

    # -- persons --------------------------------------------------------------------------------
    def registration_district(self, regency: str, domicile_district: str) -> str:
        """District that issued the NIK: mostly the domicile's; Pesisir Barat (split from Lampung
        Barat in 2012) keeps many parent-regency NIKs; a few moved in from elsewhere."""
        u = self.rng.random()
        if regency == PESISIR_BARAT and u < PARENT_NIK_SHARE:
            return self.rng.choice(self.districts[LAMPUNG_BARAT])
        if u >= 1 - ELSEWHERE_SHARE:
            return self.rng.choice(self.all_districts)
        return domicile_district

    def nik(self, district: str, birth: int, male: bool) -> str:
        """PPRRSS + DDMMYY (day + 40 for women) + a serial unique per district and birth date."""
        key = int(district.replace(".", "")) * 1_000_000 + birth  # an int key: ~1 M of them
        serial = self.serials.get(key, 0) + 1
        if serial > 9999:
            raise DemoError(f"more than 9,999 NIKs for {district} on one birth date")
        self.serials[key] = serial
        day = dt.date.fromordinal(birth)
        return (
            f"{district.replace('.', '')}{day.day + (0 if male else 40):02d}{day.month:02d}"
            f"{day.year % 100:02d}{serial:04d}"
        )

    def name(self, male: bool) -> str:
        rng, u = self.rng, self.rng.random()
        given = rng.choice(words.MALE_GIVEN if male else words.FEMALE_GIVEN)
        if u < 0.12:
            return given
        if u < 0.75:
            return f"{given} {rng.choice(words.SECOND_NAMES)}"
        middle = rng.choice(words.MALE_GIVEN if male else words.FEMALE_GIVEN)
        if middle == given:
            return f"{given} {rng.choice(words.SECOND_NAMES)}"
        return f"{given} {middle} {rng.choice(words.SECOND_NAMES)}"

    def persons(self, cursor: Any) -> None:
        rng, plan = self.rng, self.plan
        seg = plan.segments
        labels = (
            [PU] * (seg["PU"] - plan.dual)
            + [DUAL] * plan.dual
            + [BPU] * (seg["BPU"] - plan.dual)
            + [JAKON] * seg["JAKON"]
        )
        rng.shuffle(labels)  # exact segment totals, spread at random over the regencies
        next_label = iter(labels).__next__
        self.person_id, self.membership_id = self._next_id(Person), self._next_id(Membership)
        self.person_rows: list[tuple] = []
        self.membership_rows: list[tuple] = []
        for regency in plan.regencies:
            self.active_by_regency[regency.code] = 0
            for kind, n in (("active", regency.active), ("former", regency.inactive),
                            ("joiner", regency.joiners)):  # fmt: skip
                for k in range(n):
                    if kind == "active":
                        label = next_label()
                    else:
                        cum = FORMER_CUM if kind == "former" else JOINER_CUM
                        label = OTHER_LABELS[bisect.bisect_right(cum, rng.random() * cum[-1])]
                    self.person(regency, kind, label, edge=k + 1 if k < 2 else 0)
                    if len(self.person_rows) >= CHUNK:
                        self.flush(cursor)
        self.flush(cursor)

    def person(self, regency: RegencyPlan, kind: str, label: int, edge: int) -> None:
        rng = self.rng
        village = rng.choice(self.villages[regency.code])
        codes = self.codes(village)
        district = self.registration_district(regency.code, codes[2])
        male = rng.random() < (JAKON_MALE_SHARE if label == JAKON else OTHER_MALE_SHARE)
        i = bisect.bisect_right(self.age_cum, rng.random() * self.age_cum[-1])
        age = self.ages[min(i, len(self.ages) - 1)]
        if kind == "former":
            age = max(age, 18)  # old enough to have worked before 2021
        year_start = day_number(2023 - age, 1, 1)
        birth = year_start + rng.randrange(day_number(2024 - age, 1, 1) - year_start)
        b15 = _fifteenth_birthday(birth)  # no membership before it
        nik, name = self.nik(district, birth, male), self.name(male)
        if kind == "active":
            intervals = self.histories.active_intervals(regency.code, label, b15, age, edge)
        elif kind == "former":
            intervals = self.histories.ended_intervals(regency.code, label, b15, age, edge)
        else:
            intervals = self.histories.joiner_intervals(regency.code, label, age, edge)
        pid, seq = self.person_id, self.person_id
        self.person_id += 1
        main = [iv for iv in intervals if iv.segment == SEGMENTS[label]] or intervals
        last = max(main, key=lambda iv: iv.start)
        if last.segment == "PU":
            occupation = rng.choice(words.PU_OCCUPATIONS[last.employer.section])
        elif last.segment == "JAKON":
            occupation = rng.choice(words.JAKON_OCCUPATIONS)
        else:
            occupation = rng.choice(words.BPU_OCCUPATIONS)
        kpj_year = dt.date.fromordinal(intervals[0].start).year % 100
        active = False
        for iv in intervals:
            active |= self.membership(pid, seq, kpj_year, iv, village, label == DUAL)
        if active:
            self.active_persons += 1
            self.active_by_regency[regency.code] += 1
        row = (pid, nik, name, "M" if male else "F", self.day(birth), village, occupation, "",
               "", *codes, self.now)  # fmt: skip
        self.person_rows.append(row)

    def membership(
        self, pid: int, seq: int, kpj_year: int, iv: Interval, domicile: str, dual: bool
    ) -> bool:
        """Append one membership row; True when it is active on 2023-12-31."""
        rng = self.rng
        covers = iv.covers(R)
        # One KPJ per person across jobs; the second card of a PU + BPU person differs.
        kpj = f"{kpj_year:02d}{seq + (500_000_000 if dual and iv.segment == 'BPU' else 0):09d}"
        # The last reported wage: at the end of the interval, or on 2023-12-31 when it runs on.
        last_day = max(iv.start, R if iv.end is None else iv.end - 1)
        base = self.ump[min(max(dt.date.fromordinal(last_day).year, 2021), 2025)]
        if iv.segment == "BPU":
            programme = rng.random() < 0.02  # subsidised vulnerable workers
            wage = 1_000_000 if programme or rng.random() < 0.78 else rng.choice(BPU_INCOMES)
            flags = (True, True, not programme and rng.random() < 0.15, False, False)
            funding, work = ("programme" if programme else "self"), domicile
        else:
            employer = iv.employer
            counts = self.headcount[employer.id]
            counts[1] += 1
            counts[0] += covers
            if iv.segment == "JAKON":
                wage = int(round(base * rng.uniform(0.9, 1.4), -4))
                flags = (True, True, False, False, False)
            else:
                u = rng.random()
                if u < 0.45:
                    wage = base  # reported at the minimum wage
                elif u < 0.48:
                    wage = int(round(base * 0.85, -3))  # under the minimum: a compliance case
                else:
                    wage = max(base, int(round(base * rng.lognormvariate(0.15, 0.3), -4)))
                jp = rng.random() < 0.8
                flags = (True, True, True, jp, jp)
            funding, work = "employer", employer.village
        row = (self.membership_id, pid, iv.employer.id if iv.employer else None, iv.segment, kpj,
               *flags, wage, work, self.day(iv.start),
               None if iv.end is None else self.day(iv.end), iv.reason, funding,
               *self.codes(work), self.now)  # fmt: skip
        self.membership_rows.append(row)
        self.membership_id += 1
        return covers

    # -- writing --------------------------------------------------------------------------------
    def _write(self, cursor: Any, model: type[models.Model], fields: tuple, rows: list) -> None:
        if not rows:
            return
        for row in rows:
            self.digest.update(repr(row[:-1]).encode())
        insert_rows(cursor, model, fields, rows)

    def flush(self, cursor: Any) -> None:
        self._write(cursor, Person, PERSON_FIELDS, self.person_rows)
        self._write(cursor, Membership, MEMBERSHIP_FIELDS, self.membership_rows)
        self.counts["persons"] += len(self.person_rows)
        self.counts["memberships"] += len(self.membership_rows)
        self.person_rows, self.membership_rows = [], []
        if self.progress:
            self.progress(self.counts["persons"], self.plan.persons_total)

    def finish(self, cursor: Any) -> None:
        """Size classes from the head counts, sequences after explicit ids, and the checks."""
        by_size: dict[str, list[int]] = {}
        for employer_id, (active, ever) in self.headcount.items():
            by_size.setdefault(_size_class(active or ever), []).append(employer_id)
        table = connection.ops.quote_name(Employer._meta.db_table)
        for size, ids in sorted(by_size.items()):
            for i in range(0, len(ids), 5000):  # under SQLite's bound-parameter limit
                chunk = ids[i : i + 5000]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"UPDATE {table} SET size_class = %s WHERE id IN ({marks})",  # noqa: S608
                    [size, *chunk],
                )
        for sql in connection.ops.sequence_reset_sql(no_style(), [Employer, Person, Membership]):
            cursor.execute(sql)
        expected = {r.code: r.active for r in self.plan.regencies}
        if self.active_persons != self.plan.active_total or self.active_by_regency != expected:
            raise DemoError(
                f"generated {self.active_persons:,} active persons, planned "
                f"{self.plan.active_total:,}: the generator is wrong"
            )


def registry_counts() -> dict[str, int]:
    """Lampung's rows: the copies of ``--scale N`` (demo.provinces) live in other provinces."""
    return {
        "employers": Employer.objects.filter(province_code=LAMPUNG).count(),
        "persons": Person.objects.filter(province_code=LAMPUNG).count(),
        "memberships": Membership.objects.filter(province_code=LAMPUNG).count(),
    }


def last_build() -> dict[str, Any] | None:
    """What the latest demo build recorded in its audit row (the reuse marker); the demo's
    programmes, which add enrolled members afterwards, record the counts they leave."""
    entry = (
        AuditLog.objects.filter(action__in=(DemoAudit.BUILD, DemoAudit.BUILD_PROGRAMMES))
        .order_by("-id")
        .first()
    )
    return entry.after if entry else None


def build_registry(
    plan: Plan,
    *,
    seed: int = DEFAULT_SEED,
    actor: Any = None,
    rebuild: bool = False,
    progress: Progress = None,
) -> LoadResult:
    """Build the synthetic registry for ``plan``, or reuse it when the same scale and seed are
    already built and untouched (same row counts as the last build recorded).

    Replacing deletes every employer, person and membership, so it refuses when the registry
    holds rows the demo did not build, unless ``rebuild`` is set.
    """
    source = f"synthetic Lampung ({plan.scale}, seed {seed})"
    current = registry_counts()
    previous = last_build()
    untouched = previous is not None and previous.get("rows") == current
    same = untouched and (previous.get("scale"), previous.get("seed")) == (plan.scale, seed)
    if same and not rebuild:
        # The rows this build made (the demo programmes' enrolled members are not its own).
        total = sum(previous.get("built_rows", current).values())
        return LoadResult(
            source=source,
            sha256=previous.get("fingerprint", ""),
            rows_read=total,
            unchanged=total,
            extra={"reused": True, **current},
        )
    if any(current.values()) and not untouched and not rebuild:
        raise DemoError(
            "Registri berisi data yang bukan dari demo; pakai --rebuild untuk menggantinya / "
            "the registry holds rows the demo did not build; --rebuild replaces them all"
        )
    started = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cache = bigger_sqlite_cache(cursor)
        with sqlite_indexes_deferred(cursor, (Person, Membership)):
            from lindung.demo.programmes import clear_programme_data

            clear_programme_data()  # enrolments and claims point at the rows replaced here
            for model in (Membership, Person, Employer):  # children first
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            builder = _Builder(plan, seed, progress)
            builder.employers(cursor)
            builder.persons(cursor)
        builder.finish(cursor)
        if cache is not None:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
        summary = {
            "scale": plan.scale,
            "seed": seed,
            "rows": builder.counts,
            "active_persons": builder.active_persons,
            "active_by_regency": builder.active_by_regency,
            "fingerprint": builder.digest.hexdigest(),
            "seconds": round((timezone.now() - started).total_seconds(), 1),
        }
        record_audit(
            actor=actor,
            action=DemoAudit.BUILD,
            object_type="demo",
            object_id=f"{plan.scale}:{seed}",
            object_repr=source,
            region_code="18",
            after=summary,
        )
    refresh_planner_statistics(m._meta.db_table for m in (Employer, Person, Membership))
    total = sum(builder.counts.values())
    return LoadResult(
        source=source,
        sha256=summary["fingerprint"],
        rows_read=total,
        created=total,
        extra={"reused": False, **builder.counts, "active_persons": builder.active_persons},
    )
