"""Coverage work for the worker: the month close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.core.months import add_months, month_end
from lindung.coverage import services


def close_month(*, job: Any, progress: Any, due: str) -> dict[str, Any]:
    """Recompute the facts of the month that has just ended, from the registry as it stands at
    the close, so the month's figures are final (later imports still mark it stale)."""
    day = dt.datetime.fromisoformat(due).date()
    ended = month_end(add_months(day.replace(day=1), -1))
    progress(10, f"{ended:%m/%Y}")
    done = services.refresh(months=[ended], force=True)
    return {"month": ended.isoformat(), "covered": done[0].covered if done else 0}


def refresh_after_import(*, job: Any, progress: Any, since: str) -> dict[str, Any]:
    """The months an import touched, recomputed (only those: docs/ARCHITECTURE.md "Coverage")."""
    months = services.refresh_after_import(dt.datetime.fromisoformat(since), actor=job.owner)
    return {"months": months}
