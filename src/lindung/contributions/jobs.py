"""Contribution work for the worker: the monthly employer bills and their arrears."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from lindung.contributions.arrears import mark_overdue
from lindung.contributions.bills.generate import generate_bills


def monthly_bills(*, job: Any, progress: Any, due: str) -> dict[str, Any]:
    """Bills of the month that starts (idempotent: a rerun changes nothing), then open bills past
    their due date become overdue (their late fine is computed when shown)."""
    day = dt.datetime.fromisoformat(due).date()
    progress(10, f"{day:%m/%Y}")
    run = generate_bills(month=day.replace(day=1))
    with transaction.atomic():
        overdue = mark_overdue(as_of=day)
    return {"month": day.replace(day=1).isoformat(), "bill_run": run.pk, "overdue": overdue}
