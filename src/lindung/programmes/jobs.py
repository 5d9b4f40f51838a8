"""Programme work for the worker: a selection run started from the programme page, and the
daily looks for funding that is about to end and for invoices that fall due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from lindung.accounts.selectors import staff_of
from lindung.core.i18n import bilingual
from lindung.core.jobs.runtime import JobFailed, job_actor
from lindung.core.months import add_months
from lindung.notifications.events import NotificationEvent
from lindung.notifications.services import notify
from lindung.programmes.models import Programme, ProgrammeInvoice, ProgrammeStatus
from lindung.programmes.services.plans import ProgrammeError
from lindung.programmes.services.selection import run_selection

ENDING_WITHIN_DAYS = 30
# An unpaid invoice is announced to the funder this many days before its due date (and, when
# the schedule first sees it later, as soon as it does, overdue ones included).
PAYMENT_DUE_WITHIN_DAYS = 7


def selection(*, job: Any, progress: Any, programme: int, **_: Any) -> dict[str, Any]:
    """A new selection run of the programme, as the officer who started it (their capability
    and area hold here as in the request). A refusal ends the job ``failed`` with its reason."""
    actor = job_actor(job)
    target = Programme.objects.for_actor(actor).filter(pk=programme).first()
    if target is None:
        raise JobFailed(
            bilingual(
                "program tidak ditemukan di wilayah Anda", "the programme is not found in your area"
            )
        )
    progress(5, target.name)
    try:
        run = run_selection(actor=actor, programme=target)
    except ProgrammeError as exc:
        raise JobFailed(str(exc)) from None
    return {
        "run": run.pk,
        "version": run.version,
        "selected": run.selected,
        "url": reverse("programmes:run", args=[target.pk, run.version]),
    }


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


def payments_due(*, job: Any, progress: Any, due: str) -> dict[str, Any]:
    """Tell the funder's staff (as ``INVOICE_ISSUED`` does) of every invoice not paid in full
    whose due date (``ProgrammeInvoice.due_on``, set at issue by ``services.money.due_date``)
    is within 7 days or past; once per invoice and due date, so the next day's run tells
    nobody again. The amount told is what is left to pay."""
    today = dt.datetime.fromisoformat(due).date()
    unpaid = (
        ProgrammeInvoice.objects.filter(
            due_on__lte=today + dt.timedelta(days=PAYMENT_DUE_WITHIN_DAYS),
            programme__funder__organisation__isnull=False,
        )
        .annotate(paid=Coalesce(Sum("payments__amount"), 0))
        .filter(paid__lt=F("amount"))
        .select_related("programme__funder")
    )
    told = checked = 0
    for invoice in unpaid.order_by("due_on", "pk").iterator():
        checked += 1
        programme = invoice.programme
        with transaction.atomic():
            told += len(
                notify(
                    event=NotificationEvent.PAYMENT_DUE,
                    recipients=staff_of(programme.funder.organisation_id),
                    context={
                        "programme": programme.name,
                        "invoice_number": invoice.number,
                        "amount": invoice.amount - invoice.paid,
                        "due_date": invoice.due_on,
                    },
                    target=invoice,
                    region_code=programme.area_id,
                    dedupe_key=f"payment-due:{invoice.pk}:{invoice.due_on:%Y-%m-%d}",
                    url=reverse("programmes:detail", args=[programme.pk]) + "#invoices",
                )
            )
    return {"invoices": checked, "notified": told}
