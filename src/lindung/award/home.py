"""The Paritrana Award's cards on the home page (``core.home``): a verifier's or juror's
assignments and what is left to do in them, an entrant's own entries, the organiser's editions
under way, and for everyone (visitors too) the results of the latest published edition — the
public results had no link from anywhere before."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.award import selectors
from lindung.award.models import AssignmentKind, EntryStatus, StageKind
from lindung.core.home import HomeItem
from lindung.core.numbers import number_text
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability


def _verifier(user: Any) -> HomeItem:
    counts = selectors.worklist_for(user, AssignmentKind.VERIFIER).aggregate(
        n=Count("id"), pending=Sum("answers_pending"), answers=Sum("answers_total")
    )
    pending = counts["pending"] or 0
    return HomeItem(
        key="award-verify",
        title=_("Answers to verify"),
        figure=pending,
        detail=_("%(pending)s of %(answers)s answers pending in your %(n)s assigned entries.")
        % {
            "pending": number_text(pending),
            "answers": number_text(counts["answers"] or 0),
            "n": number_text(counts["n"]),
        },
        url=reverse("award:verifications"),
        attention=bool(pending),
        priority=10,
    )


def _juror(user: Any) -> HomeItem:
    rows = list(
        selectors.worklist_for(user, AssignmentKind.JUROR).values_list(
            "scored", "jury_criteria", "conflict"
        )
    )
    to_score = sum(1 for scored, criteria, conflict in rows if not conflict and scored < criteria)
    return HomeItem(
        key="award-jury",
        title=_("Entries to score"),
        figure=to_score,
        detail=_(
            "%(n)s entries assigned to you as a juror; %(conflicts)s with a declared conflict."
        )
        % {
            "n": number_text(len(rows)),
            "conflicts": number_text(sum(1 for *_rest, conflict in rows if conflict)),
        },
        url=reverse("award:jury"),
        attention=bool(to_score),
        priority=10,
    )


def _entrant(user: Any) -> HomeItem:
    counts = (
        selectors.entries_for(user)
        .order_by()
        .aggregate(
            n=Count("id"),
            drafts=Count(
                "id",
                filter=Q(status=EntryStatus.DRAFT) & ~Q(edition__stage=StageKind.PUBLISHED),
            ),
        )
    )
    return HomeItem(
        key="award-entries",
        title=_("Your award entries"),
        figure=counts["n"],
        detail=(
            _("%(drafts)s still to fill in and submit.") % {"drafts": number_text(counts["drafts"])}
            if counts["n"]
            else _("You have no entry in a Paritrana Award edition.")
        ),
        url=reverse("award:home"),
        attention=bool(counts["drafts"]),
        priority=60,
    )


def _organiser(user: Any) -> HomeItem:
    counts = (
        selectors.editions_for(user)
        .order_by()
        .aggregate(
            n=Count("id", distinct=True),
            running=Count("id", filter=~Q(stage=StageKind.PUBLISHED), distinct=True),
        )
    )
    return HomeItem(
        key="award-editions",
        title=_("Award editions under way"),
        figure=counts["running"],
        detail=_("%(n)s Paritrana Award editions in all.") % {"n": number_text(counts["n"])},
        url=reverse("award:home"),
        priority=60,
    )


def _results() -> HomeItem | None:
    edition = selectors.published_editions().order_by("-ceremony_year", "-pk").first()
    if edition is None:
        return None
    placed = selectors.final_results(edition).count()
    return HomeItem(
        key="award-results",
        title=_("Paritrana Award results"),
        figure=placed,
        detail=_("Ranked entries of %(edition)s: regions and companies that protect their workers.")
        % {"edition": edition.name},
        url=reverse("award:results", args=[edition.pk]),
        priority=90,
    )


def items(user: Any) -> list[HomeItem]:
    found: list[HomeItem] = []
    if has_capability(user, Capability.VERIFY_AWARD):
        found.append(_verifier(user))
    if has_capability(user, Capability.JUDGE_AWARD):
        found.append(_juror(user))
    if has_capability(user, Capability.MANAGE_AWARD):
        found.append(_organiser(user))
    elif has_capability(user, Capability.ENTER_AWARD):
        found.append(_entrant(user))
    results = _results()
    if results is not None:
        found.append(results)
    return found
