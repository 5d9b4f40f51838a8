"""``lindung serve``: the production web server (gunicorn, lindung.core.serving).

Options override the environment (``LINDUNG_WEB_HOST``, ``LINDUNG_WEB_PORT``,
``LINDUNG_WEB_WORKERS``, ``LINDUNG_WEB_TIMEOUT``, ``LINDUNG_WEB_GRACEFUL_TIMEOUT``,
``LINDUNG_WEB_MAX_REQUESTS``; docs/operations.md). The ``lindung`` entry point refuses to start
it on the public demo key (lindung.config.guard)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lindung.core.i18n import bilingual


class Command(BaseCommand):
    help = (
        "Serve Lindung with gunicorn (production). Options override LINDUNG_WEB_* variables; "
        "static files are served by WhiteNoise."
    )
    # The server checks nothing itself; `lindung check --deploy` does (docs/operations.md).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        # Strings, checked by lindung.core.serving: a bad value gets a bilingual message.
        parser.add_argument("--host", help="address to listen on (LINDUNG_WEB_HOST, 127.0.0.1)")
        parser.add_argument("--port", help="port (LINDUNG_WEB_PORT, 8000)")
        parser.add_argument(
            "--workers", help="worker processes (LINDUNG_WEB_WORKERS, 2 × cores + 1, at most 8)"
        )
        parser.add_argument(
            "--timeout",
            help="seconds a request may take before its worker is restarted "
            "(LINDUNG_WEB_TIMEOUT, 60)",
        )
        parser.add_argument(
            "--collectstatic",
            action="store_true",
            help="run `collectstatic --noinput` before serving (about a minute: it compresses)",
        )

    def handle(self, *args, **options) -> None:
        try:
            from lindung.core import serving
        except ImportError as missing:
            raise CommandError(
                bilingual(
                    f"gunicorn tidak terpasang ({missing}): pip install gunicorn",
                    f"gunicorn is not installed ({missing}): pip install gunicorn",
                )
            ) from missing
        try:
            chosen = serving.serve_options(
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                timeout=options["timeout"],
            )
        except serving.ServeConfigError as bad:
            raise CommandError(str(bad)) from bad
        if options["collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=options["verbosity"])
        self.stderr.write(
            f"lindung serve: gunicorn on http://{chosen.bind}, {chosen.workers} workers, "
            f"timeout {chosen.timeout} s"
        )
        serving.run(chosen)
