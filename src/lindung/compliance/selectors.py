"""Reads of the compliance app, always for an acting user: every queryset starts from
``for_actor`` (region of the employer or business); capabilities are checked here, so views
and the API stay thin. A record outside the scope is a 404, never a hint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from lindung.accounts.models import User
from lindung.compliance.filters import BusinessFilter, CaseFilter, FindingFilter, RiskScoreFilter
from lindung.compliance.models import (
    OPEN_STEPS,
    BusinessEntry,
    Case,
    ComplianceRun,
    Finding,
    Letter,
    LetterTemplate,
    RiskScore,
    Step,
)
from lindung.compliance.responses import EmployerResponse, response_for
from lindung.core import regioncodes
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability, Role
from lindung.core.scope import actor_scope
from lindung.registry.models import Membership, Segment
from lindung.registry.selectors import active_on


def _view(user: Any) -> None:
    require_capability(user, Capability.VIEW_COMPLIANCE)


def _get(queryset: QuerySet, pk: int) -> Any:
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404(pk) from None


def scores_for(user: Any) -> QuerySet[RiskScore]:
    """The worklist: current risk scores in scope, highest first."""
    _view(user)
    scores = RiskScore.objects.for_actor(user).filter(current=True)
    return scores.select_related("employer", "business").order_by("-score", "id")


def scores_filtered(user: Any, params: Mapping[str, Any]) -> RiskScoreFilter:
    """The worklist as the page and the API filter it (``region``, ``check``)."""
    return RiskScoreFilter(params, queryset=scores_for(user))


def score_for(user: Any, pk: int) -> RiskScore:
    return _get(scores_for(user), pk)


def findings_for(user: Any, *, current: bool = True) -> QuerySet[Finding]:
    _view(user)
    findings = Finding.objects.for_actor(user).select_related("employer", "business")
    return findings.filter(current=True) if current else findings


def findings_filtered(user: Any, params: Mapping[str, Any]) -> FindingFilter:
    """Current findings, most severe first, as the page and the API filter them (``check``)."""
    return FindingFilter(params, queryset=findings_for(user).order_by("-severity", "id"))


def subject_findings(user: Any, score: RiskScore) -> QuerySet[Finding]:
    subject = (
        Q(employer=score.employer)
        if score.employer_id
        else Q(business=score.business, employer__isnull=True)
    )
    return findings_for(user).filter(subject).order_by("kind")


def businesses_for(user: Any) -> QuerySet[BusinessEntry]:
    _view(user)
    return BusinessEntry.objects.for_actor(user)


def businesses_filtered(user: Any, params: Mapping[str, Any]) -> BusinessFilter:
    """The business registry by name, as the page and the API filter it (``region``)."""
    return BusinessFilter(params, queryset=businesses_for(user).order_by("name", "id"))


def runs_for(user: Any) -> QuerySet[ComplianceRun]:
    """Runs over the actor's regions or over a region containing them (their counts are
    re-read from the actor's own findings, never shown whole)."""
    _view(user)
    scope = actor_scope(user)
    runs = ComplianceRun.objects.select_related("actor")
    if scope.unrestricted:
        return runs
    codes = {""}
    for code in scope.region_codes:
        codes.update(regioncodes.ancestors_of(code))
        codes.add(code)
    within = Q(region_code__in=codes)
    for code in scope.region_codes:
        within |= Q(region_code__startswith=code + ".")
    return runs.filter(within)


def run_counts(user: Any, run: ComplianceRun) -> dict[str, int]:
    rows = (
        Finding.objects.for_actor(user)
        .filter(run=run)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {r["kind"]: r["n"] for r in rows}


def cases_for(user: Any) -> QuerySet[Case]:
    _view(user)
    return Case.objects.for_actor(user).select_related("employer", "business", "assignee")


def cases_filtered(user: Any, params: Mapping[str, Any]) -> CaseFilter:
    """Cases, soonest due first, as the page and the API filter them (``step``, ``mine``,
    ``overdue``; "mine" is ``user``)."""
    rows = cases_for(user).order_by("due_date", "-risk_score", "id")
    return CaseFilter(params, queryset=rows, user=user)


def case_for(user: Any, pk: int) -> Case:
    return _get(cases_for(user), pk)


def letter_for(user: Any, pk: int) -> Letter:
    _view(user)
    return _get(Letter.objects.for_actor(user).select_related("case"), pk)


def attachment_for(user: Any, pk: int) -> Any:
    from lindung.compliance.models import CaseAttachment

    _view(user)
    return _get(CaseAttachment.objects.for_actor(user), pk)


def templates_for(user: Any) -> QuerySet[LetterTemplate]:
    require_capability(user, Capability.MANAGE_COMPLIANCE)
    return LetterTemplate.objects.all()


def inspectors_for(user: Any) -> QuerySet[User]:
    """Who may be assigned a case: active users whose role works cases."""
    require_capability(user, Capability.MANAGE_COMPLIANCE)
    return User.objects.filter(
        is_active=True, role__in=[Role.BPJS_BRANCH, Role.PROVINCE_OFFICER, Role.ADMIN]
    ).order_by("username")


@dataclass(frozen=True)
class SlaRow:
    step: str
    label: str
    open: int
    overdue: int
    oldest_due: dt.date | None


def sla(user: Any, today: dt.date | None = None) -> list[SlaRow]:
    """Open cases per step and how many are past their due date: one grouped query."""
    today = today or timezone.localdate()
    rows = {
        r["step"]: r
        for r in cases_for(user)
        .filter(step__in=OPEN_STEPS)
        .order_by()
        .values("step")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(due_date__lt=today)),
        )
    }
    oldest = {
        r["step"]: r["due"]
        for r in cases_for(user)
        .filter(step__in=OPEN_STEPS, due_date__lt=today)
        .order_by()
        .values("step")
        .annotate(due=Min("due_date"))
    }
    return [
        SlaRow(
            step=s,
            label=str(Step(s).label),
            open=rows.get(s, {}).get("n", 0),
            overdue=rows.get(s, {}).get("late", 0),
            oldest_due=oldest.get(s),
        )
        for s in OPEN_STEPS
    ]


@dataclass(frozen=True)
class Effect:
    """What changed at the employer since the case opened (from the registry)."""

    workers_then: int
    workers_now: int
    wages_then: int
    wages_now: int
    jp_then: int
    jp_now: int
    jht_then: int
    jht_now: int
    registered: bool

    @property
    def workers_added(self) -> int:
        return self.workers_now - self.workers_then

    @property
    def wages_added(self) -> int:
        return self.wages_now - self.wages_then

    @property
    def jp_added(self) -> int:
        return self.jp_now - self.jp_then

    @property
    def jht_added(self) -> int:
        return self.jht_now - self.jht_then


def case_employer_ids(case: Case) -> list[int]:
    """The registered employer a case is about: its own, or for an unregistered business the
    employer that took its NIB since."""
    from lindung.registry.models import Employer

    if case.employer_id:
        return [case.employer_id]
    if case.business_id:
        return list(Employer.objects.filter(nib=case.business.nib).values_list("id", flat=True))
    return []


def effect(case: Case, today: dt.date | None = None) -> Effect | None:
    """Active PU workers, monthly wage bill and programme counts on the opening day and today,
    by the one "active on" definition, for the case's employer (``case_employer_ids``)."""
    today = today or timezone.localdate()
    employer_ids = case_employer_ids(case)
    if not employer_ids:
        return Effect(0, 0, 0, 0, 0, 0, 0, 0, registered=False)

    def on(day: dt.date) -> dict[str, int]:
        agg = Membership.objects.filter(
            active_on(day), employer_id__in=employer_ids, segment=Segment.PU
        ).aggregate(
            w=Count("person_id", distinct=True),
            s=Sum("wage"),
            jp=Count("id", filter=Q(jp=True)),
            jht=Count("id", filter=Q(jht=True)),
        )
        return {k: v or 0 for k, v in agg.items()}

    then, now = on(case.opened_on), on(today)
    return Effect(
        then["w"], now["w"], then["s"], now["s"], then["jp"], now["jp"], then["jht"], now["jht"],
        registered=True,
    )  # fmt: skip


def employer_response(user: Any, case: Case) -> EmployerResponse | None:
    """The employer's registration requests since the case opened (``compliance.responses``)."""
    return response_for(user, case_employer_ids(case), case.opened_on)
