"""``lindung public-workers``: the register of public-sector and village workers.

lindung public-workers coverage --region 18.71 [--date YYYY-MM-DD] [--format json]
lindung public-workers reconcile [--region 18.71]
lindung public-workers load-categories
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from lindung.core.numbers import number_text, percent_text
from lindung.core.scope import SYSTEM
from lindung.publicworkers import services
from lindung.publicworkers.models import PublicWorker
from lindung.publicworkers.rules import load_categories
from lindung.publicworkers.selectors import coverage, narrowed
from lindung.regions.models import Region


class Command(BaseCommand):
    help = "Public-sector and village workers: coverage per category, reconciliation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["coverage", "reconcile", "load-categories"])
        parser.add_argument("--region", default="", help="Kemendagri code, e.g. 18 or 18.71")
        parser.add_argument("--date", default="", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        region = options["region"]
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"wilayah tidak dikenal / unknown region: {region}")
        if options["action"] == "load-categories":
            self.stdout.write(f"{load_categories()} kategori / categories\n")
            return
        if options["action"] == "reconcile":
            workers = narrowed(PublicWorker.objects.all(), region=region)
            changed = services.refresh(actor=SYSTEM, workers=workers)
            self.stdout.write(f"{number_text(changed)} berubah / changed\n")
            return
        on = None
        if options["date"]:
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"tanggal tidak valid (YYYY-MM-DD) / invalid date: {options['date']}"
                ) from None
        # The CLI is an operator's tool on the server: it reads as the system.
        rows, total = coverage(SYSTEM, region=region, on=on)
        if options["format"] == "json":
            data = {
                "region": region,
                "date": (on or timezone.localdate()).isoformat(),
                "categories": [r.as_json() for r in rows],
                "total": total.as_json(),
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            return
        console = Console(file=self.stdout, width=140)
        table = Table(
            title=f"Pekerja sektor publik dan desa / public-sector workers {region or '*'}"
        )
        for header in (
            "kategori / category",
            "jumlah / total",
            "terlindungi / covered",
            "%",
            "anggaran dibutuhkan (Rp) / budget needed",
        ):
            table.add_column(header, justify="left" if header.startswith("kat") else "right")
        for row in [*rows, total]:
            table.add_row(
                row.label,
                number_text(row.total),
                number_text(row.covered),
                percent_text(row.coverage_pct),
                number_text(row.budget_needed),
            )
        console.print(table)
