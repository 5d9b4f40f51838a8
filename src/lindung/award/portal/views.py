"""The award portal: an entry's page for its entrant (questionnaire, evidence, submission), its
verifier (verdicts) and its jurors (scores, conflicts of interest), read-only for organisers;
and the verifier's and juror's worklists.

Thin: every read goes through ``award.selectors`` with the acting user (an entry outside the
user's visible entries is a 404), every write through ``award.services``, whose bilingual
refusals (``AwardError``) are shown as messages. A POST finds its row for the work (403 without the
capability, 404 unseen), the service checks the rest, and it always redirects to the entry page.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.award import selectors, services
from lindung.award.models import (
    AssignmentKind,
    Criterion,
    CriterionKind,
    Entry,
    EntryStatus,
    StageKind,
)
from lindung.award.pages import respond_to_write, valid_data
from lindung.award.portal.forms import (
    AnswerForm,
    ConflictForm,
    EvidenceForm,
    ScoreForm,
    VerdictForm,
)
from lindung.award.services import AwardError
from lindung.core.numbers import MISSING, number_text, percent_text
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability

SCORING_STAGES = (StageKind.INTERVIEW, StageKind.JURY_DECISION)

# Readable names of the figures an automatic indicator keeps in ``details`` (indicators.py).
DETAIL_LABELS = {
    "covered": gettext_lazy("Covered workers"),
    "population": gettext_lazy("Workers (denominator)"),
    "denominator": gettext_lazy("Denominator"),
    "denominator_source": gettext_lazy("Source of the denominator"),
    "coverage_pct": gettext_lazy("Coverage (%)"),
    "before_pct": gettext_lazy("Coverage a year before (%)"),
    "before": gettext_lazy("Compared with"),
    "covered_before": gettext_lazy("Covered a year before"),
    "bpu": gettext_lazy("BPU participants"),
    "persons_protected": gettext_lazy("Workers protected"),
    "premium_spent": gettext_lazy("Premiums paid (Rp)"),
    "budget": gettext_lazy("Budget (Rp)"),
    "employers": gettext_lazy("Employers"),
    "with_findings": gettext_lazy("Employers with findings"),
    "in_arrears": gettext_lazy("Employers in arrears"),
    "findings": gettext_lazy("Findings"),
    "source": gettext_lazy("Indicator key"),
    "listed": gettext_lazy("Workers listed in the register"),
    "categories": gettext_lazy("Per category (covered/listed)"),
}
HIDDEN_DETAILS = {"as_of"}


def _english() -> bool:
    return (get_language() or "id").startswith("en")


def _label(criterion: Criterion) -> str:
    return criterion.name_en if _english() and criterion.name_en else criterion.name


def _figure(value: Any) -> str:
    """A detail or indicator value as text: whole numbers with thousands separators, other
    numbers with two decimals (Indonesian comma unless the page is in English)."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or MISSING
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return number_text(int(number), english=_english())
    return percent_text(number, english=_english())


def _indicators(entry: Entry) -> list[dict[str, Any]]:
    return [
        {
            "criterion": iv.criterion,
            "label": _label(iv.criterion),
            "value": _figure(iv.value),
            "as_of": iv.as_of,
            "details": [
                (DETAIL_LABELS.get(key, key), _figure(value))
                for key, value in iv.details.items()
                if key not in HIDDEN_DETAILS
            ],
        }
        for iv in selectors.indicators_of(entry)
    ]


@login_required
@require_GET
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = selectors.entry_for(user, pk)
    stage = item.edition.stage
    verifier = juror = None
    if has_capability(user, Capability.VERIFY_AWARD):
        verifier = selectors.assignment_of(user, item, AssignmentKind.VERIFIER)
    if has_capability(user, Capability.JUDGE_AWARD):
        juror = selectors.assignment_of(user, item, AssignmentKind.JUROR)
    can_answer = (
        stage == StageKind.SELF_ASSESSMENT
        and item.status == EntryStatus.DRAFT
        and services.is_entrant(user, item)
    )
    answers = {a.criterion_id: a for a in selectors.answers_of(item)}
    questions = [
        {"criterion": c, "label": _label(c), "answer": answers.get(c.pk)}
        for c in selectors.criteria_of(item, CriterionKind.QUESTIONNAIRE)
    ]
    scores = list(selectors.jury_scores_visible(user, item))
    own_scores = {s.criterion_id: s for s in scores if juror and s.assignment_id == juror.pk}
    jury_items = [
        {"criterion": c, "label": _label(c), "score": own_scores.get(c.pk)}
        for c in selectors.criteria_of(item, CriterionKind.JURY)
    ]
    return render(
        request,
        "award/portal_entry.html",
        {
            "entry": item,
            "edition": item.edition,
            "indicators": _indicators(item),
            "questions": questions,
            "unanswered": sum(1 for q in questions if q["answer"] is None),
            "can_answer": can_answer,
            "can_verify": (
                verifier is not None
                and stage == StageKind.VERIFICATION
                and item.status in (EntryStatus.SUBMITTED, EntryStatus.VERIFIED)
            ),
            "juror": juror,
            "can_score": juror is not None and not juror.conflict and stage in SCORING_STAGES,
            "jury_items": jury_items,
            # A juror never sees another juror's scores; organisers see them all.
            "all_scores": [] if juror else scores,
            "jurors": selectors.juror_assignments_of(user, item),
            "verdicts": VerdictForm.base_fields["verdict"].choices,
        },
    )


def _on_entry(request: HttpRequest, row: Any, action: Callable[[Any], str]) -> HttpResponse:
    """The service on a row found for the work (403 without its capability, 404 unseen): its
    refusal, or ``action``'s success text, becomes a message on the entry page."""
    target = row if isinstance(row, Entry) else row.entry
    return respond_to_write(request, lambda: action(row), redirect("award:entry", pk=target.pk))


def _criterion(entry: Entry, kind: str, pk: int) -> Criterion:
    found = selectors.criteria_of(entry, kind).filter(pk=pk).first()
    if found is None:
        raise AwardError(_("Unknown criterion of this entry."))
    return found


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    def act(item: Entry) -> str:
        data = valid_data(AnswerForm(request.POST))
        services.answer(
            actor=request.user,
            entry=item,
            criterion=_criterion(item, CriterionKind.QUESTIONNAIRE, data["criterion"]),
            value=data["value"],
            text=data["text"],
        )
        return _("Answer saved.")

    return _on_entry(
        request, selectors.entry_for(request.user, pk, working_as=Capability.ENTER_AWARD), act
    )


@login_required
@require_POST
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    def act(row: Any) -> str:
        data = valid_data(EvidenceForm(request.POST, request.FILES))
        services.add_evidence(actor=request.user, answer=row, upload=data["file"])
        return _("Evidence uploaded.")

    return _on_entry(
        request, selectors.answer_for(request.user, pk, working_as=Capability.ENTER_AWARD), act
    )


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.evidence_for(request.user, pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=item.name)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(item: Entry) -> str:
        services.submit_entry(actor=request.user, entry=item)
        return _("Entry submitted for verification.")

    return _on_entry(
        request, selectors.entry_for(request.user, pk, working_as=Capability.ENTER_AWARD), act
    )


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    def act(row: Any) -> str:
        data = valid_data(VerdictForm(request.POST))
        services.verify_answer(
            actor=request.user,
            answer=row,
            verdict=data["verdict"],
            value=data["value"],
            reason=data["reason"],
        )
        return _("Verdict saved.")

    return _on_entry(
        request, selectors.answer_for(request.user, pk, working_as=Capability.VERIFY_AWARD), act
    )


@login_required
@require_POST
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    def act(row: Any) -> str:
        data = valid_data(ConflictForm(request.POST))
        services.declare_conflict(actor=request.user, assignment=row, reason=data["reason"])
        return _("Conflict of interest declared: your scores of this entry are withdrawn.")

    return _on_entry(request, selectors.own_assignment(request.user, pk, AssignmentKind.JUROR), act)


@login_required
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    def act(item: Entry) -> str:
        data = valid_data(ScoreForm(request.POST))
        services.score(
            actor=request.user,
            entry=item,
            criterion=_criterion(item, CriterionKind.JURY, data["criterion"]),
            value=data["score"],
            comment=data["comment"],
        )
        return _("Score saved.")

    return _on_entry(
        request, selectors.entry_for(request.user, pk, working_as=Capability.JUDGE_AWARD), act
    )


@login_required
@require_GET
def verifications(request: HttpRequest) -> HttpResponse:
    rows = selectors.worklist_for(request.user, AssignmentKind.VERIFIER)
    return render(request, "award/portal_verifications.html", {"rows": rows})


@login_required
@require_GET
def jury(request: HttpRequest) -> HttpResponse:
    rows = selectors.worklist_for(request.user, AssignmentKind.JUROR)
    return render(request, "award/portal_jury.html", {"rows": rows})
