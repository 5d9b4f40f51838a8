"""Worker-population figures below the regency from a file (issue 22), import kind
``region_populations``: one row per region × kind × reference date (× age band × sex), e.g. a
Dukcapil population file by village and age band, or an office's workers per district. The
format is in docs/data-formats.md ("Population figures per region").

A row without age band and sex is the region's total for that kind and date and becomes the
coverage denominator (``WorkerPopulation``); a row with either is detail (``PopulationBand``).
Where a file gives only detail for a region, kind and date, its total is summed from the detail
once the whole file is in (``finish``). A repeated import changes nothing: rows equal to the
database are not written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.kinds import register
from lindung.core.imports.pipeline import Column, Importer
from lindung.core.loading import sync_rows
from lindung.core.roles import Capability
from lindung.regions.audit import RegionsAudit
from lindung.regions.models import (
    PopulationBand,
    PopulationKind,
    Region,
    SourceKind,
    WorkerPopulation,
)

KIND = "region_populations"

# The kinds a file names with a short word; any PopulationKind code already loaded is accepted
# as well (e.g. ``bpjs_potential_workers`` to split a regency's figure by district).
KIND_ALIASES: dict[str, str] = {
    "usia_kerja": "dukcapil_working_age",
    "penduduk_usia_kerja": "dukcapil_working_age",
    "working_age": "dukcapil_working_age",
    "working_age_population": "dukcapil_working_age",
    "pekerja": "dukcapil_workers",
    "penduduk_bekerja": "dukcapil_workers",
    "workers": "dukcapil_workers",
    "penduduk": "dukcapil_population",
    "population": "dukcapil_population",
}
NEW_KINDS: dict[str, tuple[str, str]] = {
    "dukcapil_working_age": ("Penduduk usia kerja (Dukcapil)", "Working-age population (Dukcapil)"),
    "dukcapil_workers": (
        "Penduduk bekerja menurut data kependudukan (Dukcapil)",
        "Working population by civil registry occupation (Dukcapil)",
    ),
    "dukcapil_population": ("Jumlah penduduk (Dukcapil)", "Population (Dukcapil)"),
}
SEXES = {
    "l": "M",
    "lk": "M",
    "laki-laki": "M",
    "laki laki": "M",
    "m": "M",
    "male": "M",
    "p": "F",
    "pr": "F",
    "perempuan": "F",
    "f": "F",
    "female": "F",
}
SOURCE_KINDS = {
    "resmi": SourceKind.PUBLISHED,
    "terbit": SourceKind.PUBLISHED,
    "published": SourceKind.PUBLISHED,
    "perkiraan": SourceKind.ESTIMATE,
    "estimasi": SourceKind.ESTIMATE,
    "estimate": SourceKind.ESTIMATE,
    "sintetis": SourceKind.SYNTHETIC,
    "synthetic": SourceKind.SYNTHETIC,
}
WORKING_AGE_FROM = 15  # BPS: the working-age population is 15 years and over (domain.md §7.1)
_BAND = re.compile(r"^(\d{1,3})\s*(?:[-–—]\s*(\d{1,3})|\+|\s*ke\s*atas)$")
_COUNT = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+$|^[0-9]+$")
SOURCE_MAX = 1000
URL_MAX = cells.max_length(WorkerPopulation, "url")
VALUE_MAX = 10**12  # more than the world's population: a typo


def age_band(text: str) -> str:
    """``15-19``, ``15–19``, ``65+`` or ``65 ke atas`` → ``15-19`` / ``65+``; blank = every age."""
    if not text:
        return ""
    match = _BAND.match(text.strip().lower())
    if match is None:
        raise CellError(
            bilingual(
                f"kelompok umur tidak dikenal: {cells.shown(text)} (tulis 15-19 atau 65+)",
                f"unknown age band: {cells.shown(text)} (write 15-19 or 65+)",
            )
        )
    low, high = int(match[1]), match[2]
    if high is None:
        return f"{low}+"
    if int(high) < low:
        raise CellError(
            bilingual(
                "batas atas kelompok umur di bawah batas bawahnya",
                "the age band's upper bound is below its lower bound",
            )
        )
    return f"{low}-{int(high)}"


def band_bounds(band: str) -> tuple[int, int | None]:
    if band.endswith("+"):
        return int(band[:-1]), None
    low, high = band.split("-")
    return int(low), int(high)


def count(text: str) -> int:
    """A head count: digits, optionally grouped with dots (``12.345``); no decimals."""
    cleaned = text.replace(" ", "")
    if not (_COUNT.match(cleaned) and cleaned.isascii()):
        raise CellError(
            bilingual(
                f"jumlah harus bilangan bulat tidak negatif: {cells.shown(text)}",
                f"the figure must be a whole non-negative number: {cells.shown(text)}",
            )
        )
    value = int(cleaned.replace(".", ""))
    if value > VALUE_MAX:
        raise CellError(bilingual("jumlah terlalu besar", "figure too large"))
    return value


def reference_date(text: str) -> dt.date:
    """A date (``2024-12-31``, ``31/12/2024``), a half year of Dukcapil's semesters
    (``2024-S1`` → 30 June, ``2024-S2`` → 31 December) or a year (→ 31 December)."""
    value = text.strip()
    if re.fullmatch(r"\d{4}", value):
        year = int(value)
        if 1900 <= year <= 2200:
            return dt.date(year, 12, 31)
    semester = re.fullmatch(r"(\d{4})\s*-?\s*[sS]([12])", value)
    if semester:
        year = int(semester[1])
        return dt.date(year, 6, 30) if semester[2] == "1" else dt.date(year, 12, 31)
    return cells.date(value)


class RegionPopulationImporter(Importer):
    kind = KIND
    audit_action = RegionsAudit.LOAD_WORKER_POPULATIONS
    analyze_tables = (WorkerPopulation._meta.db_table, PopulationBand._meta.db_table)
    columns = (
        Column("region", ("kode_wilayah", "kode_desa", "kode", "region_code")),
        Column("reference", ("tanggal_acuan", "tahun", "periode", "reference_date", "year")),
        Column("population_kind", ("jenis", "jenis_penduduk", "indikator", "kind")),
        Column("value", ("jumlah", "nilai", "count")),
        Column("source", ("sumber", "sumber_data")),
        Column("age_band", ("kelompok_umur", "umur", "age_group"), required=False),
        Column("sex", ("jenis_kelamin", "jk", "gender"), required=False),
        Column("source_kind", ("jenis_sumber", "sifat_data"), required=False),
        Column("url", ("tautan", "link", "source_url"), required=False),
    )

    def __init__(self) -> None:
        self.totals_given: set[tuple[str, str, dt.date]] = set()
        self.detail_only: set[tuple[str, str, dt.date]] = set()

    def setup(self) -> None:
        self.regions = set(Region.objects.values_list("code", flat=True))
        self.kinds = set(PopulationKind.objects.values_list("code", flat=True)) | set(NEW_KINDS)

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        c = self.cell
        code = c(raw, "region", cells.region_code, self.regions)
        day = c(raw, "reference", reference_date)
        name = raw.get("population_kind", "").strip().lower()
        kind = KIND_ALIASES.get(name, name)
        if kind not in self.kinds:
            allowed = ", ".join(sorted({*KIND_ALIASES, *self.kinds} - set(NEW_KINDS)))
            raise CellError(
                bilingual(
                    f"jenis tidak dikenal: {cells.shown(name)} (pakai salah satu: {allowed})",
                    f"unknown kind: {cells.shown(name)} (use one of: {allowed})",
                ),
                "population_kind",
            )
        band = c(raw, "age_band", age_band)
        if band and kind == "dukcapil_working_age":
            _low, high = band_bounds(band)
            if high is not None and high < WORKING_AGE_FROM:
                raise CellError(
                    bilingual(
                        f"kelompok umur {band} di bawah usia kerja ({WORKING_AGE_FROM} tahun)",
                        f"age band {band} is under working age ({WORKING_AGE_FROM} years)",
                    ),
                    "age_band",
                )
        sex_text = raw.get("sex", "").strip().lower()
        sex = cells.choice(sex_text, SEXES, "jenis kelamin / sex") if sex_text else ""
        source = raw.get("source", "").strip()
        if not source:
            raise CellError(bilingual("sumber wajib diisi", "the source is required"), "source")
        if len(source) > SOURCE_MAX:
            raise CellError(bilingual("sumber terlalu panjang", "source too long"), "source")
        kind_text = raw.get("source_kind", "").strip()
        try:
            source_kind = (
                cells.choice(kind_text, SOURCE_KINDS, "jenis sumber / source kind")
                if kind_text
                else SourceKind.PUBLISHED
            )
        except CellError as exc:
            exc.column = "source_kind"
            raise
        url = raw.get("url", "").strip()
        if url and (not re.match(r"^https?://\S+$", url) or len(url) > URL_MAX):
            raise CellError(
                bilingual("tautan harus alamat http(s)", "the link must be an http(s) address"),
                "url",
            )
        if source_kind == SourceKind.SYNTHETIC and "sintetis" not in source.lower():
            raise CellError(
                bilingual(
                    "data sintetis harus menyebut 'sintetis' di sumbernya",
                    "synthetic data must say 'sintetis' in its source",
                ),
                "source",
            )
        value = c(raw, "value", count)
        key = (code, kind, day)
        if band or sex:
            if key not in self.totals_given:
                self.detail_only.add(key)
        else:
            self.totals_given.add(key)
            self.detail_only.discard(key)
        return {
            "region": code,
            "kind": kind,
            "date": day,
            "band": band,
            "sex": sex,
            "value": value,
            "source": source,
            "source_kind": source_kind,
            "url": url,
        }

    def key(self, row: dict[str, Any]) -> str:
        return f"{row['region']}|{row['kind']}|{row['date']}|{row['band']}|{row['sex']}"

    def _ensure_kinds(self, kinds: set[str]) -> None:
        for code in sorted(kinds & set(NEW_KINDS)):
            name_id, name_en = NEW_KINDS[code]
            PopulationKind.objects.get_or_create(
                code=code, defaults={"name_id": name_id, "name_en": name_en}
            )

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        self._ensure_kinds({row["kind"] for _line, row in rows})
        totals: dict[tuple, dict[str, Any]] = {}
        bands: dict[tuple, dict[str, Any]] = {}
        for _line, row in rows:
            common = {
                "value": row["value"],
                "source": row["source"],
                "source_kind": row["source_kind"],
                **regioncodes.level_codes(row["region"]),
            }
            if row["band"] or row["sex"]:
                key = (row["region"], row["kind"], row["date"], row["band"], row["sex"])
                bands[key] = common
            else:
                key = (row["region"], row["kind"], row["date"])
                totals[key] = {
                    **common,
                    "indicator": f"import:{row['kind']}"[:80],
                    "url": row["url"],
                }
        written = unchanged = 0
        for model, found, key_fields, value_fields in (
            (WorkerPopulation, totals, TOTAL_KEY, TOTAL_VALUES),
            (PopulationBand, bands, BAND_KEY, BAND_VALUES),
        ):
            if found:
                counts = sync_rows(model, found, key_fields=key_fields, value_fields=value_fields)
                written += counts.created + counts.updated
                unchanged += counts.unchanged
        return written, unchanged

    def finish(self) -> None:
        """Totals of the regions, kinds and dates the file gave as detail only."""
        if not self.detail_only:
            return
        totals = summed_totals(self.detail_only)
        if totals:
            with transaction.atomic():
                sync_rows(WorkerPopulation, totals, key_fields=TOTAL_KEY, value_fields=TOTAL_VALUES)


TOTAL_KEY = ("region_id", "kind_id", "reference_date")
TOTAL_VALUES = (
    "value",
    "source",
    "source_kind",
    "indicator",
    "url",
    *regioncodes.LEVEL_COLUMNS.values(),
)
BAND_KEY = ("region_id", "kind_id", "reference_date", "age_band", "sex")
BAND_VALUES = ("value", "source", "source_kind", *regioncodes.LEVEL_COLUMNS.values())


def summed_totals(keys: set[tuple[str, str, dt.date]]) -> dict[tuple, dict[str, Any]]:
    """Per (region, kind, date): the sum of its finest detail — rows by age band and sex where
    the file has them, else by age band, else by sex — so no person is counted twice."""
    found: dict[tuple, list[PopulationBand]] = {}
    regions = {key[0] for key in keys}
    for band in PopulationBand.objects.filter(region_id__in=regions).order_by("age_band", "sex"):
        key = (band.region_id, band.kind_id, band.reference_date)
        if key in keys:
            found.setdefault(key, []).append(band)
    totals: dict[tuple, dict[str, Any]] = {}
    for key, bands in sorted(found.items()):
        finest = (
            [b for b in bands if b.age_band and b.sex]
            or [b for b in bands if b.age_band and not b.sex]
            or [b for b in bands if b.sex and not b.age_band]
        )
        totals[key] = {
            "value": sum(b.value for b in finest),
            "source": finest[0].source,
            "source_kind": finest[0].source_kind,
            "indicator": f"import:{key[1]}:sum"[:80],
            "url": "",
            **regioncodes.level_codes(key[0]),
        }
    return totals


def register_kinds() -> None:
    register(
        RegionPopulationImporter,
        _("Population or workers per region (coverage denominators)"),
        Capability.MANAGE_COVERAGE,
    )
