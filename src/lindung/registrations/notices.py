"""Telling whoever started a registration request that the branch answered it (event
``registrations.decided``, docs/notifications.md).

* A request started by a user (an employer's portal user, a village operator, an officer): a
  notification to that user (the bell, and e-mail/SMS as their preferences say), once per
  request.
* A self-registration has no user: the person gets a plain e-mail when they gave an address,
  else an SMS through the notifications gateway when they gave only a phone number, sent after
  the caller's transaction commits (a rolled-back decision tells nobody). The text is the
  event's own (both languages), and never holds the NIK: the KPJ is masked and any run of 16
  digits in the branch's reason is masked too.

Called by the confirmation import inside its chunk's transaction, right after each decision.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import transaction

from lindung.core.logging import mask_digit_runs
from lindung.notifications import channels
from lindung.notifications.events import NotificationEvent
from lindung.notifications.rendering import render_text
from lindung.notifications.services import notify
from lindung.registrations.models import Channel, Registration, Status
from lindung.registry.masking import mask_kpj

log = logging.getLogger("lindung.registrations")

EVENT = NotificationEvent.REGISTRATION_DECIDED
DECIDED = (Status.CONFIRMED, Status.REJECTED)
SMS_MAX = 320


def context(request: Registration) -> dict[str, Any]:
    """What the texts may say: no NIK, no name, the KPJ masked."""
    return {
        "reference": request.reference,
        "status": request.status,
        "segment": request.segment,
        "first_month": request.first_month,
        "kpj": mask_kpj(request.kpj) if request.status == Status.CONFIRMED else "",
        "reason": mask_digit_runs(request.branch_reason)
        if request.status == Status.REJECTED
        else "",
    }


def tell_requester(request: Registration) -> None:
    """Tell the one who started ``request`` (confirmed or rejected) about the branch's answer."""
    if request.status not in DECIDED:
        return
    data = context(request)
    if request.requested_by_id:
        notify(
            event=EVENT,
            recipients=[request.requested_by],
            context=data,
            target=request,
            region_code=request.village_code,
            dedupe_key=f"registration:{request.pk}:{request.status}",
        )
        return
    if request.channel != Channel.SELF:
        return  # the user who started it is gone: nobody to tell
    texts = {language: render_text(EVENT, language, data) for language in ("id", "en")}
    if request.email:
        address = request.email
        transaction.on_commit(lambda: _email(address, texts, request.pk))
    elif request.phone:
        phone = request.phone
        title, body = texts["id"]
        text = " ".join(f"{title}. {body}".split())
        transaction.on_commit(lambda: _sms(phone, text, request.pk))


def _email(address: str, texts: dict[str, tuple[str, str]], pk: int) -> None:
    (subject, body_id), (_title_en, body_en) = texts["id"], texts["en"]
    body = body_id if body_en == body_id else f"{body_id}\n\n———\n\n{body_en}"
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception as exc:  # a mail server's trouble must not undo or hide the decision
        log.warning("registration %s: decision e-mail failed (%s)", pk, type(exc).__name__)


def _sms(phone: str, text: str, pk: int) -> None:
    try:
        channels.gateway().send(phone, text[:SMS_MAX])
    except Exception as exc:
        log.warning(
            "registration %s: decision SMS to %s failed (%s)",
            pk,
            channels.mask_phone(phone),
            type(exc).__name__,
        )
