"""Writes of the coverage app: refreshing facts, loading targets and published figures."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from lindung.core import regioncodes
from lindung.core.audit import acting_user, record_audit
from lindung.core.db import refresh_planner_statistics
from lindung.core.i18n import bilingual
from lindung.core.jobs import services as jobs
from lindung.core.loading import LoadResult, file_sha256, read_csv, sync_rows
from lindung.core.months import month_end, month_ends
from lindung.coverage import selectors
from lindung.coverage.audit import CoverageAudit
from lindung.coverage.facts import mark_stale, refresh_months
from lindung.coverage.models import CoverageMonth, CoverageTarget, IndicatorPoint
from lindung.regions.models import Confidence, Region
from lindung.regions.services import (
    INDICATOR_PATTERN,
    MONTHS,
    finish_load,
    parse_count,
    parse_year,
    reject_unknown_region,
)
from lindung.registry.models import Membership, Person

DATA_DIR = Path(__file__).resolve().parent / "data"


def fact_months(today: dt.date | None = None) -> list[dt.date]:
    """The months facts are kept for: ``COVERAGE_FIRST_MONTH`` up to the current month."""
    first = dt.date.fromisoformat(settings.COVERAGE_FIRST_MONTH + "-01")
    return month_ends(first, today or timezone.localdate())


def refresh(
    *,
    months: list[dt.date] | None = None,
    force: bool = False,
    actor: Any = None,
    progress: Callable[[dt.date], None] | None = None,
) -> list[CoverageMonth]:
    """Refresh the stale (or never computed) months among ``months`` — all fact months by
    default; ``force`` recounts them all from the registry. Each month commits on its own, so a
    killed refresh is resumed by running it again."""
    wanted = [month_end(m) for m in (fact_months() if months is None else months)]
    fresh = set(
        CoverageMonth.objects.filter(month__in=wanted, stale=False).values_list("month", flat=True)
    )
    todo = [m for m in wanted if force or m not in fresh]
    # Forced (the month close, a rebuild): recount from the registry, never step from
    # earlier facts that a change outside an import may have left behind.
    done = refresh_months(todo, progress, step=not force)
    if done:
        refresh_planner_statistics(("coverage_coveragefact",))
        record_audit(
            actor=actor,
            action=CoverageAudit.REFRESH,
            object_type="coverage_months",
            object_id=f"{todo[0]}..{todo[-1]}",
            object_repr=f"{len(todo)} months",
            after={"months": len(todo), "fact_rows": sum(s.fact_rows for s in done)},
        )
    return done


def months_touched_since(since: dt.datetime) -> list[dt.date]:
    """Fact months an import written after ``since`` can have changed.

    The natural key of a membership includes its start date, so an import never moves a start:
    every month it can change lies on or after the earliest start among the memberships it wrote
    and the memberships of the persons it wrote (a new sex or birth date changes their counts)."""
    # Two index range scans on updated_at (one OR over the join would read every row).
    written = Membership.objects.filter(updated_at__gte=since)
    of_persons = Membership.objects.filter(
        person_id__in=Person.objects.filter(updated_at__gte=since).values("id")
    )
    # MIN over an expression: PostgreSQL would otherwise walk the start_date index from the
    # oldest start, filtering on updated_at, and a month's new rows start last (20 s at 8×).
    earliest_start = Min(Coalesce("start_date", "start_date"))
    starts = [qs.aggregate(first=earliest_start)["first"] for qs in (written, of_persons)]
    earliest = min((s for s in starts if s is not None), default=None)
    if earliest is None:
        return []
    return [m for m in fact_months() if m >= month_end(earliest)]


def refresh_after_import(since: dt.datetime, *, actor: Any = None) -> int:
    """Mark the already-computed months an import touched stale and recompute them; returns how
    many. Months never computed are left to ``lindung coverage refresh``."""
    computed = set(CoverageMonth.objects.values_list("month", flat=True))
    months = [m for m in months_touched_since(since) if m in computed]
    if not months:
        return 0
    mark_stale(months)
    refresh(months=months, actor=actor)
    return len(months)


# --- Targets and published figures -----------------------------------------------------------

TARGET_STEM = "bpjstk_target_coverage_pct"
# Stems of lampung_labour.csv that make one published coverage point per (region, month).
POINT_STEMS = {
    "bpjstk_participants": "covered",
    "bpjstk_active_participants": "covered",
    "bpjstk_potential_workers": "population",
    "bpjstk_coverage_pct": "coverage_pct",
}
POINT_LABELS = {
    "bpjstk_participants": "BPJS Ketenagakerjaan",
    "bpjstk_potential_workers": "BPJS Ketenagakerjaan",
    "bpjstk_coverage_pct": "BPJS Ketenagakerjaan",
    "bpjstk_active_participants": "BPJS Ketenagakerjaan (peserta aktif)",
}
LABOUR_TARGET_LABEL = "BPJS Ketenagakerjaan"


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _read_labour(
    path: Path, result: LoadResult, known: set[str]
) -> tuple[dict[tuple, dict], dict[tuple, dict]]:
    targets: dict[tuple, dict] = {}
    points: dict[tuple, dict] = {}
    for line, row in read_csv(path, ("region_code", "year", "indicator", "value", "source")):
        indicator = row["indicator"]
        match = INDICATOR_PATTERN.match(indicator)
        stem = match["stem"] if match else indicator
        if stem != TARGET_STEM and stem not in POINT_STEMS:
            continue
        result.rows_read += 1
        code = row["region_code"]
        if reject_unknown_region(result, line, "region_code", code, known):
            continue
        year = parse_year(row["year"])
        value = _decimal(row["value"])
        if year is None or value is None or value < 0:
            column = "year" if year is None else "value"
            result.reject(line, column, row[column], bilingual("bukan angka", "not a number"))
            continue
        if stem == TARGET_STEM:
            targets[(code, year, LABOUR_TARGET_LABEL)] = {
                "target_pct": value,
                "source": row["source"],
                "confidence": Confidence.SINGLE_SOURCE,
                "note": "",
            }
            continue
        month = MONTHS.index(match["month"]) + 1
        day = dt.date(year, month, calendar.monthrange(year, month)[1])
        point = points.setdefault(
            (code, day, POINT_LABELS[stem]),
            {"covered": None, "population": None, "coverage_pct": None, "source": ""},
        )
        field = POINT_STEMS[stem]
        point[field] = value if field == "coverage_pct" else parse_count(row["value"])
        if row["source"] not in point["source"]:
            point["source"] = f"{point['source']} ; {row['source']}".strip(" ;")
    return targets, points


def _read_own(path: Path, result: LoadResult, known: set[str], targets: dict, points: dict) -> None:
    """``coverage_targets.csv`` / ``published_figures.csv``: figures of docs/domain.md §7 that the
    shared labour file does not carry, each with its source."""
    is_targets = path.name.startswith("coverage_targets")
    required = (
        ("region_code", "year", "target_pct", "label", "source", "confidence")
        if is_targets
        else ("region_code", "reference_date", "label", "source")
    )
    for line, row in read_csv(path, required):
        result.rows_read += 1
        code = row["region_code"]
        if reject_unknown_region(result, line, "region_code", code, known):
            continue
        if is_targets:
            year, pct = parse_year(row["year"]), _decimal(row["target_pct"])
            if year is None or pct is None or not 0 <= pct <= 100:
                result.reject(
                    line,
                    "target_pct",
                    row["target_pct"],
                    bilingual("target harus 0–100 %", "target must be 0–100 %"),
                )
                continue
            confidence = (
                row["confidence"]
                if row["confidence"] in Confidence.values
                else (Confidence.UNCONFIRMED)
            )
            targets[(code, year, row["label"])] = {
                "target_pct": pct,
                "source": row["source"],
                "confidence": confidence,
                "note": row.get("note", ""),
            }
            continue
        try:
            day = dt.date.fromisoformat(row["reference_date"])
        except ValueError:
            result.reject(
                line,
                "reference_date",
                row["reference_date"],
                bilingual("tanggal tidak valid", "invalid date"),
            )
            continue
        points[(code, day, row["label"])] = {
            "covered": parse_count(row["covered"]) if row.get("covered") else None,
            "population": parse_count(row["population"]) if row.get("population") else None,
            "coverage_pct": _decimal(row["coverage_pct"]) if row.get("coverage_pct") else None,
            "source": row["source"],
        }


def load_coverage_reference(
    labour: Path,
    *,
    data_dir: Path = DATA_DIR,
    extra: tuple[Path, ...] = (),
    actor: Any = None,
) -> LoadResult:
    """Targets and published figures from lampung_labour.csv, this app's own data files and any
    ``extra`` files in the same formats (``coverage_targets*.csv`` or published figures).
    Idempotent: a second load changes nothing."""
    result = LoadResult(source=labour.name, sha256=file_sha256(labour))
    known = set(
        Region.objects.filter(level__in=("province", "regency")).values_list("code", flat=True)
    )
    targets, points = _read_labour(labour, result, known)
    for path in (data_dir / "coverage_targets.csv", data_dir / "published_figures.csv", *extra):
        _read_own(path, result, known, targets, points)
    with transaction.atomic():
        result.add(
            sync_rows(
                CoverageTarget,
                {k: {**v, **regioncodes.level_codes(k[0])} for k, v in targets.items()},
                key_fields=("region_id", "year", "label"),
                value_fields=(
                    "target_pct",
                    "source",
                    "confidence",
                    "note",
                    *regioncodes.LEVEL_COLUMNS.values(),
                ),
            )
        )
        result.add(
            sync_rows(
                IndicatorPoint,
                {k: {**v, **regioncodes.level_codes(k[0])} for k, v in points.items()},
                key_fields=("region_id", "reference_date", "label"),
                value_fields=(
                    "covered",
                    "population",
                    "coverage_pct",
                    "source",
                    *regioncodes.LEVEL_COLUMNS.values(),
                ),
            )
        )
        finish_load(result, actor=actor, action=CoverageAudit.LOAD_REFERENCE)
    return result


def save_indicator_point(*, actor: Any, region: Region, data: dict[str, Any]) -> IndicatorPoint:
    """Enter one published figure by hand (audited); the same key updates it."""
    with transaction.atomic():
        point, created = IndicatorPoint.objects.update_or_create(
            region=region,
            reference_date=data["reference_date"],
            label=data["label"],
            defaults={
                "covered": data.get("covered"),
                "population": data.get("population"),
                "coverage_pct": data.get("coverage_pct"),
                "source": data["source"],
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
                **regioncodes.level_codes(region.code),
            },
        )
        record_audit(
            actor=actor,
            action=CoverageAudit.POINT_CREATE if created else CoverageAudit.POINT_UPDATE,
            target=point,
            after={k: str(v) for k, v in data.items()},
        )
    return point


class ReportRefused(Exception):
    """The report cannot be started (a region outside the actor's area, one running already)."""


def start_report(
    *, actor: Any, code: str, fmt: str, query: dict[str, str], language: str, request_id: str = ""
) -> Any:
    """The internal PDF/XLSX report of ``code`` for the worker (WeasyPrint takes seconds for a
    province); its owner downloads it from the job's page. ``query`` holds the dashboard's
    options (``tanggal``, ``penyebut``). One report of a region and format per user at a time.
    Raises ``selectors.CoverageNotVisible`` outside the actor's area, ``ReportRefused`` when the
    same report is running."""
    if fmt not in ("pdf", "xlsx") or not selectors.internal_region_allowed(actor, code):
        raise selectors.CoverageNotVisible(code)
    user = acting_user(actor)
    try:
        return jobs.submit(
            actor=actor,
            kind="coverage.report",
            target=f"{code}:{fmt}:{user.pk if user else 0}",
            label=bilingual(f"Laporan cakupan {code} ({fmt})", f"Coverage report {code} ({fmt})"),
            work="lindung.coverage.jobs.report",
            arguments={
                "code": code,
                "fmt": fmt,
                "query": {k: str(query[k]) for k in ("tanggal", "penyebut") if query.get(k)},
                "language": language,
            },
            region_code=code,
            request_id=request_id,
        )
    except jobs.JobBusy as exc:
        raise ReportRefused(str(exc)) from exc
