"""`lindung contributions load-rates` and `lindung contributions calc` (docs/domain.md §2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from lindung.contributions.calculator import CalculationError, calculate_month
from lindung.contributions.inputs import parse_month, parse_programmes
from lindung.contributions.models import RateSegment
from lindung.contributions.services import DEFAULT_DATA_DIR, load_rate_tables
from lindung.core.cli_output import print_results, write_reject_report
from lindung.core.loading import LoadError
from lindung.core.middleware import request_id_bound
from lindung.core.numbers import date_text, month_text, number_text, percent_text


class Command(BaseCommand):
    help = "Contribution rules: `lindung contributions load-rates` / `lindung contributions calc`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-rates", help="load the rate tables from CSV files")
        load.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
        load.add_argument("--reject-report", type=Path)
        calc = sub.add_parser("calc", help="contributions for one contribution month")
        calc.add_argument("--segment", required=True, choices=RateSegment.values)
        calc.add_argument("--month", required=True, help="YYYY-MM")
        calc.add_argument("--wage", type=int)
        calc.add_argument("--risk-class", type=int, choices=range(1, 6))
        calc.add_argument("--income", type=int)
        calc.add_argument("--contract-value", type=int)
        calc.add_argument("--programmes", help="comma list, e.g. JKK,JKM,JHT,JP")
        calc.add_argument("--industry")
        calc.add_argument("--workers", type=int)
        calc.add_argument("--funder", help="self, apbd, apbn, csr, …")
        calc.add_argument("--occupation")
        calc.add_argument("--contract-months", type=int, help="PMI contract length")
        calc.add_argument("--jht-amount", type=int, help="PMI chosen JHT amount")
        for p in (load, calc):
            p.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_id_bound():
            if options["action"] == "load-rates":
                self._load(options)
            else:
                self._calc(options)

    def _load(self, options: dict[str, Any]) -> None:
        try:
            results = load_rate_tables(options["data_dir"])
        except (LoadError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        print_results(results, fmt=options["format"], stdout=self.stdout)
        if options["reject_report"]:
            n = write_reject_report(options["reject_report"], results.values())
            Console(stderr=True).print(f"{n} rejected rows → {options['reject_report']}")

    def _calc(self, options: dict[str, Any]) -> None:
        # Month and programme list are parsed as on the simulator page and in the API.
        try:
            calc = calculate_month(
                segment=options["segment"],
                month=parse_month(options["month"]),
                wage=options["wage"],
                risk_class=options["risk_class"],
                income=options["income"],
                contract_value=options["contract_value"],
                programmes=parse_programmes(options["programmes"] or ""),
                industry=options["industry"],
                workers=options["workers"],
                funder=options["funder"],
                occupation=options["occupation"],
                contract_months=options["contract_months"],
                jht_amount=options["jht_amount"],
            )
        except CalculationError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(calc.as_dict(), ensure_ascii=False) + "\n")
            return
        table = Table(title=f"Iuran / contributions {calc.segment} {month_text(calc.month)}")
        for column in ("programme", "party", "base", "rate %", "amount (Rp)", "rule", "conf."):
            table.add_column(
                column, justify="right" if column in {"base", "amount (Rp)"} else "left"
            )
        for line in calc.lines:
            table.add_row(
                line.programme,
                line.party,
                "" if line.base is None else number_text(line.base),
                "" if line.rate_percent is None else percent_text(line.rate_percent, places=None),
                number_text(line.amount),
                ", ".join(line.rule_ids),
                ("✖ " if line.unconfirmed else "") + line.confidence,
            )
        table.add_row("total", "", "", "", number_text(calc.total), "", "")
        console = Console(file=self.stdout, width=140)
        console.print(table)
        if calc.due_date:
            console.print(f"jatuh tempo / due: {date_text(calc.due_date)}")
        for warning in calc.warnings:
            console.print(f"[yellow]{warning}[/yellow]")
        console.print(f"pembulatan / rounding: {calc.rounding_rule}")
