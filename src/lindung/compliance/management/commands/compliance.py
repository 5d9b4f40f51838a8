"""``lindung compliance``: run the checks and print the counts per check.

lindung compliance run --region 18.71 [--as-of YYYY-MM-DD] [--format json]
lindung compliance sla [--format json]
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from lindung.compliance import selectors, services
from lindung.compliance.models import Check
from lindung.core.middleware import request_id_bound
from lindung.core.numbers import date_text, decimal_text, number_text
from lindung.core.scope import SYSTEM
from lindung.regions.models import Region


class Command(BaseCommand):
    help = "Employer compliance checks (PDS, unregistered, arrears) and the case SLA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "sla"])
        parser.add_argument("--region", default="", help="Kemendagri code, e.g. 18 or 18.71")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_id_bound():
            getattr(self, "_" + options["action"])(options)

    def _run(self, options: dict[str, Any]) -> None:
        region = options["region"]
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"wilayah tidak dikenal / unknown region: {region}")
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError:
            raise CommandError(f"tanggal tidak valid / invalid date: {options['as_of']}") from None
        # The CLI is an operator's tool on the server: it runs as the system.
        run = services.run_checks(actor=SYSTEM, region=region, as_of=as_of)
        data = {
            "run": run.pk,
            "region": region,
            "as_of": run.as_of.isoformat(),
            "counts": {k: run.counts.get(k, 0) for k in Check.values},
            "subjects": run.counts.get("subjects", 0),
            "seconds": run.seconds,
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            return
        console = Console(file=self.stdout, width=100)
        table = Table(title=f"Pemeriksaan kepatuhan / compliance checks {region or '*'} "
                      f"{date_text(run.as_of)}")  # fmt: skip
        table.add_column("cek / check")
        table.add_column("temuan / findings", justify="right")
        for kind, label in Check.choices:
            table.add_row(f"{kind} ({label})", number_text(data["counts"][kind]))
        table.add_row("subjek berisiko / subjects scored", number_text(data["subjects"]))
        console.print(table)
        console.print(f"{decimal_text(run.seconds)} s")

    def _sla(self, options: dict[str, Any]) -> None:
        rows = selectors.sla(SYSTEM)
        if options["format"] == "json":
            out = [{"step": r.step, "open": r.open, "overdue": r.overdue,
                    "oldest_due": r.oldest_due.isoformat() if r.oldest_due else None}
                   for r in rows]  # fmt: skip
            self.stdout.write(json.dumps(out) + "\n")
            return
        console = Console(file=self.stdout, width=100)
        table = Table()
        for column in ("langkah / step", "terbuka / open", "terlambat / overdue"):
            table.add_column(column)
        for r in rows:
            table.add_row(r.step, number_text(r.open), number_text(r.overdue))
        console.print(table)
