"""The home page ("Beranda"): what needs the user now and the figures of their area.

Core sits at the bottom of the import layers and cannot read the apps, so the home is a slot:
each app contributes a provider ``(user) -> list[HomeItem]`` from its own ``home.py``, built
only from that app's selectors (so the region scope and the capabilities hold as on the app's
pages), and installs it with :func:`register` in its ``AppConfig.ready``. A provider returns
nothing for a user whose role has no business with it. Items must be cheap (counts and
aggregates, never a loop over rows): the whole home answers in well under 200 ms.

Core's own items (the audit log, jobs and imports) are at the end of this module.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core.numbers import number_text, percent_label, rupiah_text

logger = logging.getLogger(__name__)

COUNT = "count"
PERCENT = "percent"
RUPIAH = "rupiah"
TEXT = "text"


@dataclass(frozen=True)
class HomeRow:
    """One line of a short ranked list inside an item (e.g. the regions with the widest gap)."""

    label: str
    figure: str  # already formatted
    url: str = ""


@dataclass(frozen=True)
class HomeItem:
    """One card of the home page.

    ``figure`` is a number shown in Indonesian style according to ``unit`` (a head count, a
    percentage, an amount of Rupiah) or a short text; ``detail`` is one sentence saying what
    it is; ``url`` opens the page that acts on it. ``attention`` puts the card under "needs
    you now" (something is waiting or late); the others are the figures of the user's area.
    ``priority`` orders the cards (smaller first)."""

    key: str  # the card's HTML id is ``home-<key>``
    title: str
    figure: int | Decimal | str | None
    detail: str
    url: str
    unit: str = COUNT
    attention: bool = False
    priority: int = 50
    rows: Sequence[HomeRow] = field(default_factory=tuple)

    @property
    def figure_text(self) -> str:
        if self.figure is None:
            return "–"
        if self.unit == PERCENT:
            return percent_label(self.figure)
        if self.unit == RUPIAH:
            return rupiah_text(self.figure)
        if self.unit == TEXT or isinstance(self.figure, str):
            return str(self.figure)
        return number_text(self.figure)


Provider = Callable[[Any], Iterable[HomeItem]]
_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    """Install (or replace) the provider named ``key`` (called from an app's ``ready``)."""
    _providers[key] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def items_for(user: Any) -> list[HomeItem]:
    """Every item the providers give ``user``, ordered by priority then key."""
    items: list[HomeItem] = []
    for provider in _providers.values():
        items.extend(provider(user))
    return sorted(items, key=lambda item: (item.priority, item.key))


# --- core's own items: the audit log, jobs, imports -------------------------------------------


def _since(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


RECENT_DAYS = 30


def audit_items(user: Any) -> list[HomeItem]:
    """For readers of the audit log (auditors, admins): the personal-data reveals and the
    exports of the last 30 days in their region."""
    from django.db.models import Count, Q

    from lindung.core.permissions import has_capability
    from lindung.core.roles import Capability
    from lindung.core.selectors import audit_log_for

    if not has_capability(user, Capability.VIEW_AUDIT):
        return []
    counts = (
        audit_log_for(user)
        .filter(created_at__gte=_since(RECENT_DAYS))
        .aggregate(
            reveals=Count("id", filter=Q(action__endswith=".reveal")),
            exports=Count("id", filter=Q(action__contains=".export")),
            total=Count("id"),
        )
    )
    audit = reverse("core:audit")
    return [
        HomeItem(
            key="audit-reveals",
            title=_("Personal data revealed"),
            figure=counts["reveals"],
            detail=_(
                "Reveals of one person's data in the last %(days)s days, each with its reason."
            )
            % {"days": RECENT_DAYS},
            url=f"{audit}?action=registry.person.reveal",
            priority=20,
        ),
        HomeItem(
            key="audit-exports",
            title=_("Exports and downloads"),
            figure=counts["exports"],
            detail=_(
                "Masked lists and files exported in the last %(days)s days; %(total)s audited "
                "actions in all."
            )
            % {"days": RECENT_DAYS, "total": number_text(counts["total"])},
            url=f"{audit}?action=registry.",
            priority=21,
        ),
    ]


def job_items(user: Any) -> list[HomeItem]:
    """The jobs the user sees (their own, their region's; administrators all): those finished
    and failed in the last week; for administrators also the worker's health and the imports
    that failed."""
    from django.db.models import Count, Q

    from lindung.core.jobs.selectors import jobs_for, worker_is_alive, worker_last_seen
    from lindung.core.models import JobState
    from lindung.core.roles import REGION_ROLES
    from lindung.core.scope import actor_scope

    if not getattr(user, "is_authenticated", False):
        return []
    scope = actor_scope(user)
    if not (scope.unrestricted or scope.role in REGION_ROLES):
        return []
    week = _since(7)
    jobs = jobs_for(user).aggregate(
        failed=Count("id", filter=Q(state=JobState.FAILED, finished_at__gte=week)),
        waiting=Count("id", filter=Q(state__in=[JobState.QUEUED, JobState.RUNNING])),
        done=Count("id", filter=Q(state=JobState.DONE, finished_at__gte=week)),
    )
    jobs_url = reverse("jobs:list")
    items = [
        HomeItem(
            key="jobs-done",
            title=_("Jobs finished this week"),
            figure=jobs["done"],
            detail=_("%(waiting)s queued or running now; %(failed)s failed in the last 7 days.")
            % {"waiting": number_text(jobs["waiting"]), "failed": number_text(jobs["failed"])},
            url=f"{jobs_url}?state=done",
            priority=80,
        )
    ]
    if jobs["failed"]:
        items.append(
            HomeItem(
                key="jobs-failed",
                title=_("Jobs failed this week"),
                figure=jobs["failed"],
                detail=_("Open a failed job to read its reason and run it again."),
                url=f"{jobs_url}?state=failed",
                attention=True,
                priority=12,
            )
        )
    if scope.unrestricted:
        items += _admin_items(worker_is_alive(), worker_last_seen(), jobs_url)
    return items


def _admin_items(alive: bool, seen: dt.datetime | None, jobs_url: str) -> list[HomeItem]:
    from django.db.models import Count, Q

    from lindung.core.models import ImportJob, ImportState

    # Administrators see every import (ImportJob.objects.for_actor of an unrestricted actor).
    imports = ImportJob.objects.aggregate(
        failed=Count("id", filter=Q(state=ImportState.FAILED)),
        running=Count("id", filter=Q(state=ImportState.RUNNING)),
        total=Count("id"),
    )
    return [
        HomeItem(
            key="worker",
            title=_("Background worker"),
            figure=_("running") if alive else _("not seen"),
            unit=TEXT,
            detail=(
                _("Last sign of life: %(time)s.") % {"time": _local_time(seen)}
                if seen
                else _("No worker has reported yet: start it with lindung worker.")
            ),
            url=jobs_url,
            attention=not alive,
            priority=11,
        ),
        HomeItem(
            key="imports",
            title=_("Imports"),
            figure=imports["total"],
            detail=_("%(running)s running, %(failed)s failed (their files are kept for a retry).")
            % {
                "running": number_text(imports["running"]),
                "failed": number_text(imports["failed"]),
            },
            url=reverse("imports:index"),
            attention=bool(imports["failed"]),
            priority=30,
        ),
    ]


def _local_time(value: dt.datetime) -> str:
    from lindung.core.numbers import datetime_text

    return datetime_text(value)


def core_items(user: Any) -> list[HomeItem]:
    return audit_items(user) + job_items(user)
