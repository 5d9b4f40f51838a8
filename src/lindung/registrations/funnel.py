"""The registration funnel per channel (docs/domain.md §13.1): of the requests submitted in an
area (and month), how many were sent to the branch, confirmed, rejected, and — of the confirmed —
still active 3 and 6 months after their first month.

``active_3m`` counts a confirmed request whose membership had not ended by the first day of the
third month after its first month, once that day has come (``as_of``); a request whose day lies
ahead is not counted yet, so the figure only grows. ``added`` (with a month) counts the confirmed
requests whose first month is that month: what the channel added to coverage in it. Every
confirmed request was sent and every sent one submitted, so ``confirmed ≤ sent ≤ submitted``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db.models import Count, Q

from lindung.core.months import add_months
from lindung.core.scope import region_q
from lindung.registrations.models import Channel, Status
from lindung.registrations.selectors import counted_for

ACTIVE_AFTER_MONTHS = (3, 6)
# A month asked for (page, API, CLI): YYYY-MM in the years Lindung can hold (year 0 is no date).
MONTH_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"


def month_start(text: str) -> dt.date:
    """``YYYY-MM`` → its first day; ValueError for anything else."""
    if not re.fullmatch(MONTH_PATTERN, text or ""):
        raise ValueError(text)
    return dt.date.fromisoformat(f"{text}-01")


@dataclass
class Row:
    channel: str
    submitted: int = 0
    sent: int = 0
    confirmed: int = 0
    rejected: int = 0
    active_3m: int = 0
    active_6m: int = 0
    added: int = 0


COUNTS = tuple(f.name for f in fields(Row) if f.name != "channel")


def still_active(first_month: dt.date, end_date: dt.date | None, months: int) -> bool:
    """Whether a membership from ``first_month`` had not ended ``months`` later."""
    return end_date is None or end_date >= add_months(first_month, months)


def funnel(
    actor: Any, *, region: str = "", month: dt.date | None = None, as_of: dt.date | None = None
) -> dict[str, Any]:
    """``{"region", "month", "as_of", "channels": [a row per channel], "total": row}`` over
    the requests ``actor`` counts (``selectors.counted_for``) in ``region`` (its subtree),
    submitted in ``month`` when given."""
    as_of = as_of or dt.date.today()
    requests = counted_for(actor)
    if region:
        requests = requests.filter(region_q("", (region,)))
    if month is not None:
        month = month.replace(day=1)
        requests = requests.filter(
            submitted_at__date__gte=month, submitted_at__date__lt=add_months(month, 1)
        )
    rows = {channel: Row(channel) for channel in Channel.values}
    counted = (
        requests.order_by()
        .values("channel")
        .annotate(
            submitted=Count("id"),
            sent=Count("id", filter=Q(sent_at__isnull=False)),
            confirmed=Count("id", filter=Q(status=Status.CONFIRMED)),
            rejected=Count("id", filter=Q(status=Status.REJECTED)),
        )
    )
    for found in counted:
        row = rows[found["channel"]]
        row.submitted, row.sent = found["submitted"], found["sent"]
        row.confirmed, row.rejected = found["confirmed"], found["rejected"]
    # Retention per confirmed request: few rows (confirmed requests), compared in Python so
    # the per-row "first month + n" needs no database-specific date arithmetic.
    confirmed = requests.filter(status=Status.CONFIRMED).values_list(
        "channel", "first_month", "membership__end_date"
    )
    for channel, first_month, end_date in confirmed.iterator():
        row = rows[channel]
        for months in ACTIVE_AFTER_MONTHS:
            due = add_months(first_month.replace(day=1), months)
            if due <= as_of and still_active(first_month, end_date, months):
                setattr(row, f"active_{months}m", getattr(row, f"active_{months}m") + 1)
        if month is not None and first_month.replace(day=1) == month:
            row.added += 1
    total = Row("total", **{k: sum(getattr(r, k) for r in rows.values()) for k in COUNTS})
    return {
        "region": region,
        "month": f"{month:%Y-%m}" if month else None,
        "as_of": as_of.isoformat(),
        "channels": [{**asdict(r), "label": str(Channel(r.channel).label)} for r in rows.values()],
        "total": asdict(total),
    }
