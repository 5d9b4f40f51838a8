"""``lindung coverage``: figures, fact refresh, consistency check, targets and published figures.

lindung coverage --region 18 --date 2023-12-31 [--by segment|sex|age|sector|funding|region]
                 [--denominator KIND] [--format json]
lindung coverage refresh [--from YYYY-MM] [--to YYYY-MM] [--force]
lindung coverage check [--from YYYY-MM] [--to YYYY-MM]
lindung coverage load-reference [--labour FILE] [--file FILE …]
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from lindung.core.cli_output import print_results, write_reject_report
from lindung.core.middleware import request_id_bound
from lindung.core.months import month_end, month_ends
from lindung.core.numbers import date_text, decimal_text, number_text, percent_text
from lindung.core.scope import SYSTEM
from lindung.coverage.check import check_month
from lindung.coverage.dimensions import dimensions
from lindung.coverage.models import CoverageMonth
from lindung.coverage.presenters import child_dict, figure_dict, headline
from lindung.coverage.selectors import CoverageNotVisible, breakdown, children_on, figure_on
from lindung.coverage.services import fact_months, load_coverage_reference, refresh

BY_CHOICES = ("region", *dimensions().keys())


def _month(text: str) -> dt.date:
    try:
        return month_end(dt.date.fromisoformat(text + "-01" if len(text) == 7 else text))
    except ValueError:
        raise CommandError(f"bulan tidak valid / invalid month: {text} (YYYY-MM)") from None


class Command(BaseCommand):
    help = "Coverage figures (facts), refresh, consistency check and reference figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            default="show",
            choices=["show", "refresh", "check", "load-reference"],
        )
        parser.add_argument("--region", default="18", help="Kemendagri code, e.g. 18 or 18.71")
        parser.add_argument("--date", help="YYYY-MM-DD (default: the last month-end)")
        parser.add_argument("--by", choices=BY_CHOICES)
        parser.add_argument("--denominator", help="population kind, e.g. bps_employed_persons")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--from", dest="first", help="first month, YYYY-MM")
        parser.add_argument("--to", dest="last", help="last month, YYYY-MM")
        parser.add_argument("--force", action="store_true", help="recompute fresh months too")
        parser.add_argument(
            "--labour",
            type=Path,
            default=Path(settings.LINDUNG_REFERENCE_DATA) / "lampung_labour.csv",
        )
        parser.add_argument("--file", type=Path, action="append", default=[])
        parser.add_argument("--reject-report", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        with request_id_bound():
            getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _months(self, options: dict[str, Any]) -> list[dt.date]:
        months = fact_months()
        first = _month(options["first"]) if options["first"] else months[0]
        last = _month(options["last"]) if options["last"] else months[-1]
        return month_ends(first, last)

    def _show(self, options: dict[str, Any]) -> None:
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"tanggal tidak valid / invalid date: {options['date']}"
                ) from None
        else:
            day = month_end(dt.date.today().replace(day=1) - dt.timedelta(days=1))
        region, by, kind = options["region"], options["by"], options["denominator"]
        try:
            # The CLI is an operator's tool on the server: it reads as the system.
            figure = figure_on(SYSTEM, region, day, denominator=kind)
        except CoverageNotVisible:
            raise CommandError(f"wilayah tidak dikenal / unknown region: {region}") from None
        children = children_on(SYSTEM, region, day, denominator=kind) if by == "region" else []
        if options["format"] == "json":
            data = figure_dict(figure, by=by)
            if by == "region":
                data["by"] = "region"
                data["regions"] = [child_dict(c) for c in children]
            self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            return
        console = Console(file=self.stdout, width=120)
        text_id, text_en = headline(figure)
        console.print(
            f"[bold]{figure.region.name} ({figure.region.code}) · {date_text(day)}[/bold]"
        )
        console.print(text_id)
        console.print(text_en)
        if figure.denominator:
            d = figure.denominator
            console.print(
                f"penyebut / denominator: {d.name}, {date_text(d.reference_date)} — {d.source}"
            )
        if by == "region":
            table = Table()
            for column in ("kode", "wilayah", "terlindungi", "pekerja", "%"):
                table.add_column(
                    column, justify="right" if column in {"terlindungi", "pekerja", "%"} else "left"
                )
            for c in children:
                table.add_row(
                    c.region.code,
                    c.region.name,
                    number_text(c.covered),
                    "" if c.population is None else number_text(c.population),
                    percent_text(c.coverage_pct),
                )
            console.print(table)
        elif by:
            table = Table()
            for column in (by, "terlindungi", "%"):
                table.add_column(column, justify="left" if column == by else "right")
            for row in breakdown(figure, by):
                table.add_row(row.label, number_text(row.covered), percent_text(row.share_pct))
            console.print(table)

    def _refresh(self, options: dict[str, Any]) -> None:
        months = self._months(options)
        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("coverage facts", total=len(months))
            done = refresh(
                months=months, force=options["force"], progress=lambda _m: bar.advance(task)
            )
        seconds = sum(s.seconds for s in done)
        rows = sum(s.fact_rows for s in done)
        result = {"months": len(done), "fact_rows": rows, "seconds": round(seconds, 2)}
        if options["format"] == "json":
            self.stdout.write(json.dumps(result) + "\n")
        else:
            fresh = CoverageMonth.objects.filter(stale=False).count()
            self.stdout.write(
                f"{len(done)} bulan dihitung ulang / months refreshed, "
                f"{number_text(rows)} fact rows, "
                f"{decimal_text(seconds, 1)} s; {fresh} months fresh\n"
            )

    def _check(self, options: dict[str, Any]) -> None:
        months = [
            m for m in self._months(options) if CoverageMonth.objects.filter(month=m).exists()
        ]
        problems = [p for m in months for p in check_month(m)]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps({"months": len(months), "mismatches": [str(p) for p in problems]}) + "\n"
            )
        else:
            for p in problems:
                self.stdout.write(str(p) + "\n")
            self.stdout.write(
                f"{len(months)} bulan diperiksa / months checked, "
                f"{len(problems)} selisih / mismatches\n"
            )
        if problems:
            raise CommandError("fakta tidak cocok / facts differ from the recompute")

    def _load_reference(self, options: dict[str, Any]) -> None:
        result = load_coverage_reference(options["labour"], extra=tuple(options["file"]))
        print_results({"coverage": result}, fmt=options["format"], stdout=self.stdout)
        if options["reject_report"]:
            write_reject_report(options["reject_report"], [result])
