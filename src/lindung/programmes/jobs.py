"""Programme work for the worker: the daily look for funding that is about to end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse

from lindung.accounts.selectors import staff_of
from lindung.core.months import add_months
from lindung.notifications.events import NotificationEvent
from lindung.notifications.services import notify
from lindung.programmes.models import Programme, ProgrammeStatus

ENDING_WITHIN_DAYS = 30


def funding_ending(*, job: Any, progress: Any, due: str) -> dict[str, Any]:
    """Tell the funder's staff (a CSR sponsor is its funder) of every running programme whose
    last funded month ends within 30 days; once per programme and end date."""
    today = dt.datetime.fromisoformat(due).date()
    running = Programme.objects.filter(
        status__in=(ProgrammeStatus.ENROLLED, ProgrammeStatus.PAYING),
        funder__organisation__isnull=False,
    ).select_related("funder")
    told = 0
    for programme in running.order_by("pk").iterator():
        # Funding covers its months up to the day before the month after the last one.
        end = add_months(programme.start_month, programme.funded_months) - dt.timedelta(days=1)
        days_left = (end - today).days
        if not 0 <= days_left <= ENDING_WITHIN_DAYS:
            continue
        with transaction.atomic():
            told += len(
                notify(
                    event=NotificationEvent.FUNDING_ENDING,
                    recipients=staff_of(programme.funder.organisation_id),
                    context={"programme": programme.name, "end_date": end, "days_left": days_left},
                    target=programme,
                    region_code=programme.area_id,
                    dedupe_key=f"funding-end:{programme.pk}:{end:%Y-%m-%d}",
                    url=reverse("programmes:detail", args=[programme.pk]),
                )
            )
    return {"notified": told}
