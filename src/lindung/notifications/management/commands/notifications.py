"""``lindung notifications``: send the due deliveries now, or show the delivery log's counts.

lindung notifications deliver [--max-attempts 5] [--format json]
lindung notifications status [--format json]

The worker's schedule calls ``services.deliver_pending`` itself; this is the operator's way to
flush the queue (after fixing SMTP settings, say) and to see what failed. Addresses are never
printed.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from lindung.core.middleware import request_id_bound
from lindung.notifications import services
from lindung.notifications.models import Delivery


class Command(BaseCommand):
    help = "Deliver queued notification e-mails and messages; show the delivery log's counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["deliver", "status"])
        parser.add_argument("--max-attempts", type=int, default=services.MAX_ATTEMPTS)
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_id_bound():
            if options["action"] == "deliver":
                data: dict[str, Any] = services.deliver_pending(
                    max_attempts=options["max_attempts"]
                )
            else:
                rows = Delivery.objects.values("channel", "status").annotate(n=Count("id"))
                data = {f"{r['channel']}.{r['status']}": r["n"] for r in rows}
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
            return
        for key, value in sorted(data.items()):
            self.stdout.write(f"{key}: {value}\n")
