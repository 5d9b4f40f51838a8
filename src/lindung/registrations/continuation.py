"""Continuation when a programme's funding ends (issue 20 item 7; docs/domain.md §13.3: short
subsidies lose most workers when they end). 30 days before a programme's last funded month ends,
each of its beneficiaries is offered a hand-off — pay on their own (a registration request,
prefilled), the CSR/donor matching pool, or the funder's next programme — once: a ``Handoff`` row,
and an SMS to a worker whose phone the registry knows. The programme's staff already hear of the
end through ``programmes.funding_ending``; they record each worker's choice on the hand-off page.
``retention`` tells, per programme, how many were still active 3 months after their funding ended.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.months import add_months
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.notifications import channels
from lindung.programmes.models import (
    Decision,
    FundedMonth,
    Programme,
    ProgrammeStatus,
    RunStatus,
)
from lindung.registrations import rules, services
from lindung.registrations.audit import RegistrationAudit
from lindung.registrations.models import Channel, Handoff, HandoffChoice, Payer
from lindung.registry.models import Membership, Person, Segment

log = logging.getLogger(__name__)

OFFER_WITHIN_DAYS = 30
RETENTION_MONTHS = 3


def funding_end(programme: Programme) -> dt.date:
    """The last day the programme pays for (the day before the month after its last month)."""
    return add_months(programme.start_month, programme.funded_months) - dt.timedelta(days=1)


def _sms(candidate: Any, programme: Programme, end: dt.date) -> bool:
    """Tell the worker by SMS when the registry knows their phone; never the NIK."""
    phone = (
        Person.objects.filter(nik=candidate.nik).exclude(phone="").values_list("phone", flat=True)
    ).first()
    if not phone:
        return False
    page = f"{channels.site_url()}{reverse('registrations:self')}"
    text = bilingual(
        f"Iuran Jamsostek Anda dari {programme.name} berakhir {end:%d-%m-%Y}. Agar tetap "
        f"terlindungi, daftar bayar sendiri di {page} atau hubungi desa Anda.",
        f"Your Jamsostek contribution from {programme.name} ends {end:%Y-%m-%d}. To stay "
        f"covered, register to pay yourself at {page} or ask your village office.",
    )
    try:
        channels.gateway().send(phone, text)
    except Exception as exc:  # a gateway failure must not stop the offers of others
        log.warning("hand-off SMS failed (%s)", type(exc).__name__)
        return False
    return True


def offer_handoffs(*, job: Any, progress: Any, due: str) -> dict[str, Any]:
    """The daily schedule's work: a hand-off for every beneficiary of a running programme whose
    funding ends within 30 days, once per programme and worker (a rerun offers nobody again)."""
    today = dt.datetime.fromisoformat(due).date()
    offered = told = 0
    running = Programme.objects.filter(
        status__in=(ProgrammeStatus.ENROLLED, ProgrammeStatus.PAYING)
    )
    for programme in running.order_by("pk").iterator():
        end = funding_end(programme)
        if not 0 <= (end - today).days <= OFFER_WITHIN_DAYS:
            continue
        chosen = Decision.objects.filter(
            run__programme=programme, run__status=RunStatus.APPROVED, selected=True
        ).select_related("candidate")
        for decision in chosen.iterator():
            candidate = decision.candidate
            handoff = Handoff(programme=programme, candidate=candidate, funding_ends=end)
            handoff.assign_region_codes(candidate.village_id)
            try:
                with transaction.atomic():
                    handoff.save()
            except IntegrityError:
                continue  # offered on an earlier day
            offered += 1
            if _sms(candidate, programme, end):
                told += 1
                Handoff.objects.filter(pk=handoff.pk).update(told_by_sms=True)
    return {"offered": offered, "sms": told}


def choose(*, actor: Any, handoff: Handoff, choice: str) -> Handoff:
    """Record the worker's choice (the programme's staff, for a worker of their area). Paying on
    their own makes a registration request (BPU, JKK+JKM, from the month after the funding
    ends, prefilled from the candidate), checked like any other."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    if choice not in HandoffChoice.values or choice == HandoffChoice.OFFERED:
        raise services.RegistrationError(bilingual("pilihan tidak dikenal", "unknown choice"))
    with transaction.atomic(durable=True):
        row = Handoff.objects.select_for_update().get(pk=handoff.pk)
        if row.choice != HandoffChoice.OFFERED:
            raise services.RegistrationError(
                bilingual("pilihan sudah dicatat", "the choice is recorded already")
            )
        if choice == HandoffChoice.SELF_PAY:
            row.registration = _self_pay_request(actor, row)
        row.choice, row.chosen_at = choice, timezone.now()
        row.save(update_fields=["choice", "chosen_at", "registration"])
        record_audit(
            actor=actor,
            action=RegistrationAudit.HANDOFF,
            target=row,
            region_code=row.village_code,
            after={"programme": row.programme_id, "choice": choice},
        )
    return row


def _self_pay_request(actor: Any, row: Handoff) -> Any:
    candidate = row.candidate
    draft = rules.Draft(
        segment=Segment.BPU,
        nik=candidate.nik,
        name=candidate.name,
        birth_date=candidate.birth_date,
        sex=candidate.sex,
        village=candidate.village,
        occupation=candidate.occupation,
        wage=1_000_000,  # the lowest BPU income band; the worker may declare more later
        programmes=list(rules.BASE_PROGRAMMES),
        first_month=add_months(row.funding_ends.replace(day=1), 1),
    )
    contribution = services.prepare(draft)
    request = services.new_request(
        actor=actor, channel=Channel.OFFICER, draft=draft, payer=Payer.SELF,
        contribution=contribution,
    )  # fmt: skip
    try:
        return services.store_unchecked(actor=actor, request=request)
    except IntegrityError:
        raise services.RegistrationError(
            bilingual(
                "sudah ada pendaftaran yang sedang diproses untuk NIK ini",
                "a registration for this NIK is already being processed",
            )
        ) from None


def retention(programme: Programme, as_of: dt.date | None = None) -> dict[str, Any]:
    """Of the programme's beneficiaries, how many were active participants 3 months after the
    funding ended without a programme paying for them then (None before that day has come)."""
    as_of = as_of or dt.date.today()
    end = funding_end(programme)
    day = add_months(end.replace(day=1), RETENTION_MONTHS + 1) - dt.timedelta(days=1)
    niks = set(
        Decision.objects.filter(
            run__programme=programme, run__status=RunStatus.APPROVED, selected=True
        ).values_list("candidate__nik", flat=True)
    )
    if day > as_of:
        return {"beneficiaries": len(niks), "day": day, "still_active": None}
    active = set(
        Membership.objects.filter(person__nik__in=niks, start_date__lte=day)
        .exclude(end_date__lte=day)
        .values_list("person__nik", flat=True)
    )
    funded = set(
        FundedMonth.objects.filter(nik__in=active, month=day.replace(day=1)).values_list(
            "nik", flat=True
        )
    )
    return {"beneficiaries": len(niks), "day": day, "still_active": len(active - funded)}
