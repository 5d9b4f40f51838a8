from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from lindung.core.cli_output import print_results, write_reject_report
from lindung.core.loading import LoadError
from lindung.core.middleware import request_id_bound
from lindung.core.numbers import decimal_text
from lindung.regions import services


class Command(BaseCommand):
    help = (
        "Load region reference data: `lindung regions load` or `lindung regions load-wages FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="regions, boundaries, BPS crosswalk, worker populations")
        load.add_argument("--data-dir", type=Path, default=settings.LINDUNG_REFERENCE_DATA)
        load.add_argument("--regions-file", type=Path, help="a subset such as regions_lampung.csv")
        load.add_argument("--no-villages", action="store_true", help="skip village boundaries")
        load.add_argument("--deactivate-missing", action="store_true")
        wages = sub.add_parser("load-wages", help="UMP/UMK from a CSV file")
        wages.add_argument("file", type=Path)
        for p in (load, wages):
            p.add_argument("--format", choices=["table", "json"], default="table")
            p.add_argument("--reject-report", type=Path)

    def handle(self, *args, **options) -> None:
        with request_id_bound():
            self._handle(options)

    def _handle(self, options) -> None:
        console = Console(stderr=True)
        started = time.perf_counter()
        try:
            if options["action"] == "load":
                results = self._load(options, console)
            else:
                results = {"minimum_wages": services.load_minimum_wages(options["file"])}
        except (LoadError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        print_results(results, fmt=options["format"], stdout=self.stdout)
        if options["reject_report"]:
            n = write_reject_report(options["reject_report"], results.values())
            console.print(f"{n} rejected rows → {options['reject_report']}")
        console.print(f"[green]done in {decimal_text(time.perf_counter() - started, 1)} s[/green]")

    def _load(self, options, console: Console):
        if options["deactivate_missing"] and options["regions_file"]:
            raise CommandError("--deactivate-missing needs the full national list, not a subset")
        with console.status("Memuat data referensi wilayah / loading region reference data…"):
            results = services.load_reference_data(
                options["data_dir"],
                regions_file=options["regions_file"],
                villages=not options["no_villages"],
                deactivate_missing=options["deactivate_missing"],
            )
        return results
