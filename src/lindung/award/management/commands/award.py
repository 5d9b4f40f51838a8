"""``lindung award``: freeze indicators, compute and verify scoring runs, print results.

lindung award freeze  --edition PK [--format json]
lindung award compute --edition PK [--format json]
lindung award verify  --edition PK [--run N] [--format json]   # exit 1 when the ranking differs
lindung award results --edition PK [--run N] [--format json]   # the final run, else the latest

The CLI is an operator's tool on the server: it acts as the system (``core.scope.SYSTEM``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from lindung.award import runs, services
from lindung.award.models import Category, Edition, Result, ScoringRun
from lindung.core.i18n import bilingual
from lindung.core.middleware import request_id_bound
from lindung.core.numbers import date_text, number_text, score_text
from lindung.core.scope import SYSTEM

ACTIONS = ("freeze", "compute", "verify", "results")
SCORES = ("total", "indicator", "questionnaire", "jury")


class Command(BaseCommand):
    help = (
        "Paritrana Award: freeze the automatic indicators of an edition, compute a scoring run, "
        "verify a run against its frozen inputs, print the ranking."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("--edition", type=int, help="edition id (pk)")
        parser.add_argument("--run", type=int, help="run number (default: final, else latest)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_id_bound():
            getattr(self, "_" + options["action"])(options)

    # --- helpers ---------------------------------------------------------------------------------

    def _edition(self, options: dict[str, Any]) -> Edition:
        if options["edition"] is None:
            raise CommandError(bilingual("--edition wajib diisi", "--edition is required"))
        edition = Edition.objects.filter(pk=options["edition"]).first()
        if edition is None:
            raise CommandError(
                bilingual(
                    f"edisi tidak dikenal: {options['edition']}",
                    f"unknown edition: {options['edition']}",
                )
            )
        return edition

    def _run_of(self, edition: Edition, number: int | None) -> ScoringRun:
        runs = edition.runs.all()
        run = (
            runs.filter(number=number).first()
            if number is not None
            else runs.filter(final=True).first() or runs.order_by("-number").first()
        )
        if run is None:
            raise CommandError(
                bilingual(
                    f"perhitungan tidak ditemukan untuk edisi {edition.pk}",
                    f"no scoring run found for edition {edition.pk}",
                )
            )
        return run

    def _emit(self, options: dict[str, Any], data: dict[str, Any], lines: list[str]) -> None:
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            for line in lines:
                self.stdout.write(line + "\n")

    def _write(self, call: Any, **kwargs: Any) -> Any:
        try:
            return call(actor=SYSTEM, **kwargs)
        except services.AwardError as exc:
            raise CommandError(str(exc)) from exc

    # --- actions ---------------------------------------------------------------------------------

    def _freeze(self, options: dict[str, Any]) -> None:
        edition = self._edition(options)
        values = self._write(runs.freeze_indicators, edition=edition)
        data = {"edition": edition.pk, "values": values, "as_of": edition.cutoff_date.isoformat()}
        self._emit(options, data, [
            bilingual(f"{number_text(values, english=False)} nilai indikator dibekukan per "
                      f"{date_text(edition.cutoff_date, english=False)}",
                      f"{number_text(values, english=True)} indicator values frozen as of "
                      f"{date_text(edition.cutoff_date, english=True)}"),
        ])  # fmt: skip

    def _compute(self, options: dict[str, Any]) -> None:
        edition = self._edition(options)
        run = self._write(runs.compute_run, edition=edition)
        stable = {cid: s.get("stable", True) for cid, s in run.sensitivity.items()}
        data = {
            "edition": edition.pk,
            "run": run.number,
            "formula_version": run.formula_version,
            "inputs_sha256": run.inputs_sha256,
            "results": run.results.count(),
            "stable": stable,
        }
        unstable = [cid for cid, ok in stable.items() if not ok]
        self._emit(options, data, [
            bilingual(f"perhitungan #{run.number}: {data['results']} hasil",
                      f"run #{run.number}: {data['results']} results"),
            f"sha256 {run.inputs_sha256}",
            bilingual(f"peringkat peka terhadap bobot ±10 %: kategori {unstable or '-'}",
                      f"ranking sensitive to ±10 % weights: categories {unstable or '-'}"),
        ])  # fmt: skip

    def _verify(self, options: dict[str, Any]) -> None:
        edition = self._edition(options)
        run = self._run_of(edition, options["run"])
        problem = ""
        try:
            runs.recompute(run)
        except services.AwardError as exc:  # the inputs no longer match their hash
            problem = str(exc)
        same = runs.verify_run(run)
        data = {
            "edition": edition.pk,
            "run": run.number,
            "final": run.final,
            "inputs_sha256": run.inputs_sha256,
            "same": same,
        }
        if problem:
            data["error"] = problem
        self._emit(options, data, [
            bilingual(f"perhitungan #{run.number}: peringkat sama dengan hitung ulang",
                      f"run #{run.number}: the ranking equals the recomputation")
            if same else
            bilingual(f"perhitungan #{run.number}: peringkat BERBEDA dari hitung ulang",
                      f"run #{run.number}: the ranking DIFFERS from the recomputation"),
            *([problem] if problem else []),
        ])  # fmt: skip
        if not same:
            raise CommandError(
                bilingual("hitung ulang tidak cocok", "the recomputation does not match"),
                returncode=1,
            )

    def _results(self, options: dict[str, Any]) -> None:
        edition = self._edition(options)
        run = self._run_of(edition, options["run"])
        rows = (
            Result.objects.filter(run=run)
            .select_related("entry")
            .order_by("category_id", "rank", "entry__name", "entry_id")
        )
        by_category: dict[int, list[Result]] = {}
        for row in rows:
            by_category.setdefault(row.category_id, []).append(row)
        categories = []
        for category in Category.objects.filter(edition=edition).order_by("id"):
            categories.append({
                "id": category.pk, "name": category.name, "kind": category.kind,
                "sector_group": category.sector_group, "winners": category.winners,
                "results": [{
                    "rank": r.rank, "entry": r.entry_id, "name": r.entry.name,
                    "total": str(r.total), "indicator": str(r.indicator_score),
                    "questionnaire": str(r.questionnaire_score), "jury": str(r.jury_score),
                } for r in by_category.get(category.pk, [])],
            })  # fmt: skip
        data = {
            "edition": edition.pk,
            "name": edition.name,
            "stage": edition.stage,
            "run": run.number,
            "final": run.final,
            "inputs_sha256": run.inputs_sha256,
            "categories": categories,
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            return
        console = Console(file=self.stdout, width=110)
        state = "final" if run.final else bilingual("sementara", "provisional")
        console.print(f"{edition.name} · #{run.number} ({state})")
        for category in categories:
            table = Table(title=category["name"])
            for column in ("#", "peserta / entry", "total", "indikator / indicators",
                           "kuesioner / questionnaire", "juri / jury"):  # fmt: skip
                table.add_column(column, justify="left" if "entry" in column else "right")
            for r in category["results"]:
                table.add_row(str(r["rank"]), r["name"], *(score_text(r[k]) for k in SCORES))
            console.print(table)
