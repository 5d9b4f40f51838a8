"""The register's section on the internal coverage dashboard (``coverage.panels``): per
category, the persons the region's governments list and how many are covered, with the
monitoring table's files. Installed by ``PublicWorkersConfig.ready``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from lindung.core.permissions import has_capability
from lindung.core.roles import Capability
from lindung.coverage.panels import Panel
from lindung.publicworkers import selectors

KEY = "public-workers"


def coverage_panel(user: Any, code: str, day: dt.date) -> Panel | None:
    """The section for ``user`` on the dashboard of ``code`` on ``day`` (today at the latest);
    None for a reader who may not see the register."""
    if not has_capability(user, Capability.VIEW_PUBLIC_WORKERS):
        return None
    on = min(day, timezone.localdate())
    rows, total = selectors.coverage(user, region=code, on=on)
    return Panel(
        key=KEY,
        template="publicworkers/report_panel.html",
        context={
            "rows": rows,
            "total": total,
            "region": code,
            "date": on.isoformat(),
            "on": on,
            "empty": not total.total,
        },
    )


def install() -> None:
    """Install the section (``PublicWorkersConfig.ready``)."""
    from lindung.coverage import panels

    panels.provide(KEY, coverage_panel)
