from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lindung.core.cli_output import print_results
from lindung.core.middleware import request_id_bound
from lindung.demo.services import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Build the deterministic Lampung demo (idempotent: a second run changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=settings.LINDUNG_REFERENCE_DATA)
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options) -> None:
        with request_id_bound():
            self._handle(options)

    def _handle(self, options) -> None:
        results = build_demo(options["data_dir"])
        print_results(results, fmt=options["format"], stdout=self.stdout)
        if options["format"] != "json":
            self.stdout.write(
                f"\nDemo siap / demo ready. Akun demo / demo accounts: provinsi, bandarlampung, "
                f"metro, desa, bpjs, auditor, admin — password {DEMO_PASSWORD}\n"
            )
