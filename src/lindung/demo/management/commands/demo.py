from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lindung.core.cli_output import print_results
from lindung.core.i18n import bilingual
from lindung.core.middleware import request_id_bound
from lindung.core.numbers import number_text
from lindung.core.scope import SYSTEM
from lindung.demo.award import demo_edition, ensure_demo_award, summary
from lindung.demo.plan import SCALES
from lindung.demo.progress import ConsoleReporter
from lindung.demo.services import DEMO_PASSWORD, build_demo, demo_accounts
from lindung.demo.synthetic import DEFAULT_SEED, DemoError


def _scale(text: str) -> str:
    if text in SCALES or (text.isdigit() and 1 <= int(text) <= 38):
        return text
    raise argparse.ArgumentTypeError(
        f"{text!r}: {' / '.join(sorted(SCALES))} or a number of provinces 1–38"
    )


class Command(BaseCommand):
    help = (
        "Build the deterministic Lampung demo: reference data, demo accounts and a synthetic "
        "registry. `lindung demo` is `lindung demo build --scale full`; a second run with the "
        "same scale and seed reuses the registry that is there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # A positional action rather than sub-parsers: `lindung demo` alone still works.
        parser.add_argument("action", nargs="?", choices=["build", "award"], default="build")
        parser.add_argument(
            "--scale",
            type=_scale,
            default="full",
            help="full: 731,991 active participants; small: 1 %% of every count (tests, CI); "
            "a number N: N Lampung-sized provinces (full Lampung and N - 1 copies in the "
            "largest other provinces; for benchmarks, on PostgreSQL)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="build again even if this scale and seed exist; replaces ALL registry rows",
        )
        parser.add_argument("--data-dir", type=Path, default=settings.LINDUNG_REFERENCE_DATA)
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options) -> None:
        with request_id_bound():
            self._handle(options)

    def _handle(self, options) -> None:
        if options["action"] == "award":
            self._award(options)
            return
        # Steps, bars and timings go to stderr: stdout stays one JSON object with --format json.
        # The wrapper's own stream: rich writes partial lines, which OutputWrapper would end.
        try:
            with ConsoleReporter(self.stderr._out) as reporter:
                # A number of provinces builds the full Lampung and copies it.
                scale = options["scale"]
                provinces = int(scale) if scale.isdigit() else 1
                results = build_demo(
                    options["data_dir"],
                    scale="full" if scale.isdigit() else scale,
                    provinces=provinces,
                    seed=options["seed"],
                    rebuild=options["rebuild"],
                    reporter=reporter,
                )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        print_results(results, fmt=options["format"], stdout=self.stdout)
        if options["format"] != "json":
            registry = results["registry"].extra
            self.stdout.write(
                f"\nRegistri / registry ({options['scale']}, seed {options['seed']}"
                f"{', dipakai ulang / reused' if registry.get('reused') else ''}): "
                f"{number_text(registry.get('persons', 0))} orang / persons, "
                f"{number_text(registry.get('memberships', 0))} kepesertaan / memberships, "
                f"{number_text(registry.get('employers', 0))} pemberi kerja / employers.\n"
                f"Demo siap / demo ready. Akun demo / demo accounts: "
                f"{', '.join(a.username for a in demo_accounts())} — "
                f"password {DEMO_PASSWORD}\n"
            )

    def _award(self, options) -> None:
        """The Lampung 2023 Paritrana Award round alone, on a registry already built."""
        created = ensure_demo_award(actor=SYSTEM)
        edition = demo_edition()
        if edition is None:
            raise CommandError(
                bilingual("wilayah Lampung belum dimuat", "the Lampung regions are not loaded")
            )
        if options["format"] == "json":
            self.stdout.write(json.dumps({"created": created, **summary(edition)}, default=str))
        else:
            name = edition.name
            self.stdout.write(
                bilingual(f"{name}: {created} peserta dibuat", f"{name}: {created} entries created")
                if created
                else bilingual(
                    f"{name} sudah ada (edisi {edition.pk})",
                    f"{name} exists already (edition {edition.pk})",
                )
            )
