"""Reading the register: bodies and workers of the actor's area (a village operator: its own
village government), coverage per category from the stored reconciliation or, for another
day, reconciled live (the same ``tally``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from lindung.contributions.models import ProgrammeRate
from lindung.core import regioncodes
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability, Role
from lindung.core.scope import actor_scope, region_q
from lindung.publicworkers.models import (
    BudgetLine,
    Category,
    CategoryRule,
    PayingBody,
    PublicWorker,
    ReconciliationStatus,
)
from lindung.publicworkers.reconcile import (
    CategoryCoverage,
    listed_on,
    reconcile,
    subjects_of,
    tally,
)
from lindung.publicworkers.rules import Rule, RuleBook
from lindung.registry.models import Membership, Person


def bodies_for(user: Any) -> QuerySet[PayingBody]:
    if not has_capability(user, Capability.VIEW_PUBLIC_WORKERS):
        return PayingBody.objects.none()
    return PayingBody.objects.for_actor(user)


def body_for(user: Any, pk: int) -> PayingBody:
    try:
        return bodies_for(user).select_related("region", "employer").get(pk=pk)
    except PayingBody.DoesNotExist:
        raise Http404(pk) from None


def workers_for(user: Any) -> QuerySet[PublicWorker]:
    if not has_capability(user, Capability.VIEW_PUBLIC_WORKERS):
        return PublicWorker.objects.none()
    return PublicWorker.objects.for_actor(user)


def worker_for(user: Any, pk: int) -> PublicWorker:
    try:
        return workers_for(user).select_related("body", "category", "registration").get(pk=pk)
    except PublicWorker.DoesNotExist:
        raise Http404(pk) from None


def narrowed(
    workers: QuerySet[PublicWorker], *, region: str = "", body: PayingBody | None = None
) -> QuerySet[PublicWorker]:
    if body is not None:
        workers = workers.filter(body=body)
    if region:
        workers = workers.filter(region_q("", [region]))
    return workers


Coverage = tuple[list[CategoryCoverage], CategoryCoverage]


def coverage(
    user: Any, *, region: str = "", body: PayingBody | None = None, on: dt.date | None = None
) -> Coverage:
    """Coverage per category of the actor's register (narrowed to ``region`` or ``body``):
    today's from the stored reconciliation, another day's reconciled live."""
    today = timezone.localdate()
    workers = narrowed(workers_for(user), region=region, body=body)
    if on is None or on == today:
        groups = (
            listed_on(workers, today)
            .values("category_id", "status")
            .annotate(n=Count("id"), contribution=Sum("monthly_contribution"))
            .values_list("category_id", "status", "n", "contribution")
            .order_by()
        )
        return tally(((c, s, n, m or 0) for c, s, n, m in groups), today)
    listed = listed_on(workers, on)
    reader = getattr(user, "pk", None)
    key = f"publicworkers:live:{reader}:{region}:{body.pk if body else 0}:{on}:{_version(listed)}"
    cached = cache.get(key)
    if cached is None:
        cached = live_coverage(listed, on)
        cache.set(key, cached, LIVE_SECONDS)
    return cached


# A past day's live reconciliation is kept this long per reader and region, and only while
# nothing it reads has changed (``_version``): the province dashboard showed it on every visit.
LIVE_SECONDS = 600


def _version(workers: QuerySet[PublicWorker]) -> str:
    """What a live reconciliation reads, by its latest change: the listed workers, the registry
    (``updated_at`` is indexed there), the category rules and the contribution engine's rates."""
    listed = workers.aggregate(n=Count("id"), last=Max("updated_at"))
    latest = [
        listed["n"],
        listed["last"],
        Membership.objects.aggregate(last=Max("updated_at"))["last"],
        Person.objects.aggregate(last=Max("updated_at"))["last"],
        CategoryRule.objects.aggregate(last=Max("updated_at"))["last"],
        ProgrammeRate.objects.aggregate(n=Count("id"), last=Max("id")).values(),
    ]
    return hashlib.sha256(repr(latest).encode()).hexdigest()[:16]


def live_coverage(workers: QuerySet[PublicWorker], on: dt.date) -> Coverage:
    """Reconcile ``workers`` on ``on`` without storing anything, and tally."""
    book = RuleBook()
    pairs = list(subjects_of(workers, book))
    outcomes = reconcile((s for s, _ in pairs), on)
    persons: Counter[tuple[str, str]] = Counter()
    money: Counter[tuple[str, str]] = Counter()
    month = on.replace(day=1)
    for subject, row in pairs:
        key = (row["category_id"], outcomes[subject.id].status)
        persons[key] += 1
        rule = book.rule(row["category_id"], row["body__regency_code"])
        money[key] += book.monthly(rule, row["honorarium"], month) if rule else 0
    return tally(((c, s, n, money[(c, s)]) for (c, s), n in persons.items()), on)


def budget_lines(user: Any, *, region: str = "", year: int) -> dict[str, tuple[int, int]]:
    """Planned and realised per category for the bodies of the actor's area in ``year``."""
    bodies = bodies_for(user)
    if region:
        bodies = bodies.filter(region_q("", [region]))
    rows = (
        BudgetLine.objects.filter(body__in=bodies, fiscal_year=year)
        .values("category_id")
        .annotate(planned=Sum("planned"), realised=Sum("realised"))
        .values_list("category_id", "planned", "realised")
        .order_by()
    )
    return {c: (p or 0, r or 0) for c, p, r in rows}


# --- The worklist and the area reads the pages and the API share ---------------------------

# The worklist's order: the category's place in the Inpres table, then the name.
WORKLIST_ORDER = ("category__order", "category_id", "name", "id")


def listed_workers(user: Any, body: PayingBody | None = None) -> QuerySet[PublicWorker]:
    """Today's register of the actor's area (of ``body`` when given), in worklist order."""
    workers = listed_on(workers_for(user), timezone.localdate())
    if body is not None:
        workers = workers.filter(body=body)
    return workers.order_by(*WORKLIST_ORDER)


def in_area(user: Any, code: str) -> bool:
    """Whether region ``code`` lies in ``user``'s area."""
    return actor_scope(user).covers_region(code)


def bodies_in(user: Any, region: str = "") -> QuerySet[PayingBody]:
    """The paying bodies of ``user``'s area, within ``region`` when given."""
    bodies = bodies_for(user)
    return bodies.filter(region_q("", [region])) if region else bodies


def own_village(user: Any) -> str:
    """A village operator's village code (a scope of one village); "" for anyone else."""
    if getattr(user, "role", "") != Role.VILLAGE_OPERATOR:
        return ""
    codes = actor_scope(user).region_codes
    if (
        len(codes) == 1
        and regioncodes.is_valid_code(codes[0])
        and regioncodes.level_of(codes[0]) == "village"
    ):
        return codes[0]
    return ""


def with_coverage(bodies: QuerySet[PayingBody]) -> QuerySet[PayingBody]:
    """Each body with the persons on its register today and how many of them are covered."""
    today = timezone.localdate()
    listed = Q(workers__listed_from__lte=today) & (
        Q(workers__listed_until__isnull=True) | Q(workers__listed_until__gt=today)
    )
    return bodies.annotate(
        listed=Count("workers", filter=listed),
        covered=Count("workers", filter=listed & Q(workers__status=ReconciliationStatus.ACTIVE)),
    )


def budget_of(body: PayingBody, year: int) -> dict[str, tuple[int, int]]:
    """The body's budget lines of ``year`` per category (the body was read in scope)."""
    rows = BudgetLine.objects.filter(body=body, fiscal_year=year).values_list(
        "category_id", "planned", "realised"
    )
    return {category: (planned, realised) for category, planned, realised in rows}


@dataclass(frozen=True)
class CategoryRules:
    category: Category
    default: Rule | None
    own: Rule | None  # the regency's override

    @property
    def effective(self) -> Rule | None:
        return self.own or self.default


def category_rules(user: Any, regency: str = "") -> list[CategoryRules]:
    """Every category with its default rule and ``regency``'s own (when ``user`` may read the
    register; rules are not personal data, and a village reads its regency's)."""
    if not has_capability(user, Capability.VIEW_PUBLIC_WORKERS):
        return []
    book = RuleBook()
    return [
        CategoryRules(
            category=category,
            default=book.defaults.get(category.code),
            own=book.overrides.get((category.code, regency)) if regency else None,
        )
        for category in Category.objects.all()
    ]


def home_regency(user: Any) -> str:
    """The regency of ``user``'s area when it lies within one (a regency officer's, a village
    operator's), else ""."""
    codes = actor_scope(user).region_codes
    regencies = {c[:5] for c in codes if regioncodes.is_valid_code(c) and len(c) >= 5}
    return regencies.pop() if len(regencies) == 1 else ""
