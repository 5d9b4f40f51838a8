"""The single gate for row visibility: ``Model.objects.for_actor(user)``.

Every selector starts from it; views and API never filter by scope themselves
(docs/ARCHITECTURE.md "Region scope").
A model declares how its rows relate to an actor with class attributes:

``scope_region_path``
    Lookup prefix to the denormalised ``province_code … village_code`` columns ("" when the model
    has them itself, ``None`` when the model is not region-scoped).
``scope_owner_path``
    Lookup to the owning ``Organisation`` (employers, sponsors see their own rows).
``scope_assignee_path``
    Lookup to the assigned user (award verifiers and jury see entries assigned to them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import Q

from lindung.core import regioncodes
from lindung.core.roles import REGION_ROLES, Role


@dataclass(frozen=True)
class ActorScope:
    """What an actor may see, derived once per request from the user."""

    unrestricted: bool = False
    region_codes: tuple[str, ...] = ()
    organisation_id: int | None = None
    user_id: int | None = None
    role: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def covers_region(self, code: str) -> bool:
        return self.unrestricted or any(regioncodes.is_within(code, s) for s in self.region_codes)


NOBODY = ActorScope()


class SystemActor:
    """The trusted server-side caller (CLI commands, background jobs): reads every row. Never
    handed to a web request; views always pass ``request.user``."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None
    role = Role.ADMIN


SYSTEM = SystemActor()


def actor_scope(user: Any) -> ActorScope:
    """Scope of ``user``; anonymous and inactive users see nothing scoped."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, "_lindung_scope", None)
    if cached is not None:
        return cached
    role = getattr(user, "role", None)
    if role == Role.ADMIN or user.is_superuser:
        scope = ActorScope(unrestricted=True, user_id=user.pk, role=Role.ADMIN)
    else:
        codes: tuple[str, ...] = ()
        if role in REGION_ROLES:
            codes = tuple(sorted(user.scope_region_codes()))
        scope = ActorScope(
            region_codes=codes,
            organisation_id=getattr(user, "organisation_id", None),
            user_id=user.pk,
            role=role,
        )
    user._lindung_scope = scope
    return scope


def region_q(path: str, codes: tuple[str, ...] | list[str]) -> Q:
    """Rows inside any of the subtrees ``codes``: equalities on the level columns from the
    province down to each code's level — the leading columns of the composite region index,
    so no prefix scan and no index per level."""
    if not codes:
        return Q(pk__in=[])
    return reduce(
        or_,
        (
            Q(
                **{
                    f"{path}{column}": value
                    for column, value in regioncodes.level_codes(c).items()
                    if value
                }
            )
            for c in codes
        ),
    )


class ScopedQuerySet(models.QuerySet):
    def for_actor(self, user: Any) -> ScopedQuerySet:
        scope = actor_scope(user)
        if scope.unrestricted:
            return self
        model = self.model
        region_path = getattr(model, "scope_region_path", None)
        owner_path = getattr(model, "scope_owner_path", None)
        assignee_path = getattr(model, "scope_assignee_path", None)
        clauses: list[Q] = []
        if region_path is not None and scope.region_codes:
            clauses.append(region_q(region_path, scope.region_codes))
        if owner_path is not None and scope.organisation_id is not None:
            clauses.append(Q(**{owner_path: scope.organisation_id}))
        if assignee_path is not None and scope.user_id is not None:
            clauses.append(Q(**{assignee_path: scope.user_id}))
        if not clauses:
            return self.none()
        return self.filter(reduce(or_, clauses))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


class RegionCodes(models.Model):
    """Denormalised codes of every level a row belongs to, set on write from its own code."""

    province_code = models.CharField(max_length=2, blank=True)
    regency_code = models.CharField(max_length=5, blank=True)
    district_code = models.CharField(max_length=8, blank=True)
    village_code = models.CharField(max_length=13, blank=True)

    scope_region_path: str | None = ""

    class Meta:
        abstract = True
        # One composite index serves every level: a subtree filter is an equality on the
        # leading columns down to its level (see region_q), so four single-column indexes
        # would only cost inserts.
        indexes = [
            models.Index(
                fields=["province_code", "regency_code", "district_code", "village_code"],
                name="%(app_label)s_%(class)s_rg",
            )
        ]

    def assign_region_codes(self, code: str) -> None:
        for column, value in regioncodes.level_codes(code).items():
            setattr(self, column, value)
