"""The "award stage opened" notice (``NotificationEvent.AWARD_STAGE_OPENED``,
docs/notifications.md): when a stage of an edition opens, the people it asks to act are told,
each once per edition and stage.

Stage → recipients (the people the stage's services let act; models.py, services.py):

* ``self_assessment`` → the entrants of each draft entry, on the entry's portal page
  (``award:entry``): for a region entry the regency/village office users whose scope is exactly
  the entry's region, for a company entry the employer users of the company's organisation
  (``Entry.objects.for_actor``). It is the first stage, never advanced to: an entrant is told
  when its entry is added while self-assessment is open (``services.add_entry_unchecked``, so
  the nominations too).
* ``verification`` → the verifiers assigned to a submitted entry (a draft or withdrawn entry
  cannot be verified), on their worklist (``award:verifications``).
* ``interview`` → the jurors assigned to an entry still in the round and without a declared
  conflict of interest (jurors score from the interview on), on theirs (``award:jury``).
* ``jury_decision`` and ``published`` → nobody: the organiser who advances the stage chooses the
  final run and publishes; the jurors were told when the interview opened.

A verifier or juror assigned while their stage is open is told then (``services.assign``). The
dedupe key ``award-stage:<edition>:<stage>`` makes every call safe to repeat.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse

from lindung.accounts.selectors import staff_of
from lindung.award.models import (
    REGION_ENTRANT_ROLES,
    Assignment,
    AssignmentKind,
    Edition,
    Entry,
    EntryStatus,
    Stage,
    StageKind,
)
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability, Role
from lindung.notifications.events import NotificationEvent
from lindung.notifications.models import Notification
from lindung.notifications.services import notify

ENTRANTS = "entrants"
# Whom each stage asks to act: the entrants, or the assigned users of one assignment kind.
AUDIENCE: dict[str, str] = {
    StageKind.SELF_ASSESSMENT: ENTRANTS,
    StageKind.VERIFICATION: AssignmentKind.VERIFIER,
    StageKind.INTERVIEW: AssignmentKind.JUROR,
}
ROLE_OF = {AssignmentKind.VERIFIER: Role.AWARD_VERIFIER, AssignmentKind.JUROR: Role.AWARD_JURY}
CAPABILITY_OF = {
    ENTRANTS: Capability.ENTER_AWARD,
    AssignmentKind.VERIFIER: Capability.VERIFY_AWARD,
    AssignmentKind.JUROR: Capability.JUDGE_AWARD,
}
WORKLIST = {AssignmentKind.VERIFIER: "award:verifications", AssignmentKind.JUROR: "award:jury"}


def _able(users: QuerySet, audience: str) -> list[Any]:
    return [u for u in users.order_by("pk") if has_capability(u, CAPABILITY_OF[audience])]


def entrants_of(entry: Entry) -> list[Any]:
    """The active users who fill in ``entry`` (the entrant side of ``Entry.objects.for_actor``)."""
    if entry.employer_id is not None:
        users = staff_of(entry.entrant_id, Role.EMPLOYER)
    else:
        users = get_user_model().objects.filter(
            is_active=True, role__in=REGION_ENTRANT_ROLES, scope_regions=entry.subject_region_id
        )
    return _able(users.distinct(), ENTRANTS)


def assigned(edition: Edition, kind: str, entry: Entry | None = None) -> list[Any]:
    """The active verifiers or jurors whose assignments in ``edition`` (or on ``entry``) the
    stage of ``kind`` lets them work on."""
    rows = Assignment.objects.filter(entry__edition=edition, kind=kind).exclude(
        entry__status=EntryStatus.WITHDRAWN
    )
    if kind == AssignmentKind.VERIFIER:
        rows = rows.exclude(entry__status=EntryStatus.DRAFT)
    else:
        rows = rows.filter(conflict=False)
    if entry is not None:
        rows = rows.filter(entry=entry)
    users = get_user_model().objects.filter(
        pk__in=rows.values("user_id"), is_active=True, role=ROLE_OF[kind]
    )
    return _able(users, kind)


def stage_opened(
    edition: Edition, stage: str | None = None, *, entry: Entry | None = None
) -> list[Notification]:
    """Tell the people ``stage`` (default: the edition's current stage) asks to act, all of the
    edition's or only ``entry``'s. A trusted step inside the caller's transaction (the caller
    checked its capability and records its audit row); returns the new notifications, none for
    someone told about this edition and stage already."""
    stage = stage or edition.stage
    audience = AUDIENCE.get(stage)
    if audience is None:
        return []
    context = {
        "stage": StageKind(stage).label,  # lazy: each language's text renders in its language
        "edition": edition.name,
        "deadline": Stage.objects.filter(edition=edition, kind=stage)
        .values_list("ends_on", flat=True)
        .first(),
    }

    def tell(recipients: list[Any], url: str) -> list[Notification]:
        return notify(
            event=NotificationEvent.AWARD_STAGE_OPENED,
            recipients=recipients,
            context=context,
            target=edition,
            region_code=edition.region_id,
            dedupe_key=f"award-stage:{edition.pk}:{stage}",
            url=url,
        )

    if audience != ENTRANTS:
        return tell(assigned(edition, audience, entry), reverse(WORKLIST[audience]))
    entries = edition.entries.filter(status=EntryStatus.DRAFT)
    if entry is not None:
        entries = entries.filter(pk=entry.pk)
    told: list[Notification] = []
    for each in entries.order_by("pk"):
        told += tell(entrants_of(each), reverse("award:entry", args=[each.pk]))
    return told
