"""``lindung imports purge``: delete the uploaded extracts that may go (core/imports/uploads.py).

Meant for a daily scheduler (cron, a systemd timer): the files of finished jobs are deleted when
they end; a failed job's file stays ``IMPORT_RETENTION_DAYS`` days so it can be retried."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from lindung.core.imports.uploads import purge_expired_uploads
from lindung.core.middleware import request_id_bound


class Command(BaseCommand):
    help = "Import housekeeping: `lindung imports purge` deletes uploaded files past retention."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser(
            "purge",
            help="delete uploads of finished jobs and of failed jobs past IMPORT_RETENTION_DAYS",
        )
        purge.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options) -> None:
        with request_id_bound():
            deleted = purge_expired_uploads()
        if options["format"] == "json":
            self.stdout.write(json.dumps({"deleted": deleted}))
        else:
            self.stdout.write(f"{deleted} berkas dihapus / {deleted} files deleted")
