"""``lindung registrations``: the registration funnel.

lindung registrations funnel --region 18.71 [--month YYYY-MM] [--format json]
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from lindung.core.numbers import number_text
from lindung.core.scope import SYSTEM
from lindung.regions.models import Region
from lindung.registrations.funnel import COUNTS, funnel, month_start

HEADERS = {
    "submitted": "diajukan / submitted",
    "sent": "dikirim / sent",
    "confirmed": "dikonfirmasi / confirmed",
    "rejected": "ditolak / rejected",
    "active_3m": "aktif 3 bln / active 3 m",
    "active_6m": "aktif 6 bln / active 6 m",
    "added": "tambah bulan ini / added",
}


class Command(BaseCommand):
    help = "Registration requests: the funnel per channel (submitted → sent → confirmed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["funnel"])
        parser.add_argument("--region", default="", help="Kemendagri code, e.g. 18 or 18.71")
        parser.add_argument("--month", default="", help="YYYY-MM: requests submitted that month")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        region, month = options["region"], None
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"wilayah tidak dikenal / unknown region: {region}")
        if options["month"]:
            try:
                month = month_start(options["month"])
            except ValueError:
                raise CommandError(
                    f"bulan tidak valid (YYYY-MM) / invalid month: {options['month']}"
                ) from None
        # The CLI is an operator's tool on the server: it reads as the system.
        data = funnel(SYSTEM, region=region, month=month)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
            return
        console = Console(file=self.stdout, width=140)
        title = f"Corong pendaftaran / registration funnel {region or '*'} {data['month'] or ''}"
        table = Table(title=title.strip())
        table.add_column("kanal / channel")
        for key in COUNTS:
            table.add_column(HEADERS[key], justify="right")
        for row in [*data["channels"], data["total"]]:
            table.add_row(row["channel"], *(number_text(row[k]) for k in COUNTS))
        console.print(table)
