"""Programme pages: list, plan, detail with workflow and runs, a run with its explanation and
comparison, the enrolment file, candidates registered by hand. Thin: reads from selectors,
writes through services (which check the capability); every bilingual refusal is shown as a
message, nothing is lost."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lindung.contributions.rulebook import describe_rules
from lindung.core.paging import filtered_page, paginate
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.programmes import selectors
from lindung.programmes.budget import budget_status
from lindung.programmes.forms import CandidateForm, ProgrammeForm
from lindung.programmes.models import ProgrammeStatus, Reason, RunStatus
from lindung.programmes.services.enrolment import export_enrolment_file
from lindung.programmes.services.plans import (
    TRANSITIONS,
    ProgrammeError,
    create_programme,
    move,
    register_candidate,
)
from lindung.programmes.services.selection import approve_run, discard_run, start_selection


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    listing, status = filtered_page(
        selectors.programmes_filtered(request.user, request.GET), request.GET
    )
    return render(
        request,
        "programmes/list.html",
        {
            **listing,
            "can_manage": has_capability(request.user, Capability.MANAGE_PROGRAMMES),
            "can_register": has_capability(request.user, Capability.REGISTER_CANDIDATES),
        },
        status=status,
    )


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    # The plan form is offered only to those who may plan; the service checks the write.
    require_capability(request.user, Capability.MANAGE_PROGRAMMES)
    funders = selectors.funders_for(request.user)
    form = ProgrammeForm(request.POST or None, user=request.user, funders=funders)
    if request.method == "POST" and form.is_valid():
        try:
            programme = create_programme(
                actor=request.user,
                funder=form.cleaned_data["funder"],
                area=form.cleaned_data["area_code"],
                **form.plan(),
            )
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("programmes:detail", pk=programme.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "programmes/form.html", {"form": form}, status=status)


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, pk)
    user = request.user
    approved_run = programme.runs.filter(status=RunStatus.APPROVED).first()
    money = budget_status(user, programme, timezone.localdate()) if approved_run else None
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "premium_rules": describe_rules(programme.premium_rules),
            **_runs(request, programme),
            "next_steps": [
                (s, ProgrammeStatus(s).label)
                for s in sorted(TRANSITIONS[programme.status])
                if s not in (ProgrammeStatus.SELECTING, ProgrammeStatus.ENROLLED)
            ],
            "can_manage": has_capability(user, Capability.MANAGE_PROGRAMMES),
            "can_enrol": has_capability(user, Capability.ENROL_BENEFICIARIES),
            "selectable": programme.status in (ProgrammeStatus.APPROVED, ProgrammeStatus.SELECTING),
            "approved_run": approved_run,
            "money": money,
            "enrolments": selectors.enrolment_counts(programme),
            "invoices": selectors.invoices_with_paid(programme),
        },
    )


def _runs(request: HttpRequest, programme: Any) -> dict[str, Any]:
    listing, _status = filtered_page(
        selectors.runs_filtered(request.user, programme, request.GET), request.GET
    )
    return {"runs": listing["page"], "run_filter": listing["filter"]}


@login_required
@require_POST
def programme_move(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, pk)
    try:
        move(actor=request.user, programme=programme, to=request.POST.get("to", ""),
             reason=request.POST.get("reason", ""))  # fmt: skip
    except (ProgrammeError, KeyError) as exc:
        messages.error(request, str(exc))
    return redirect("programmes:detail", pk=pk)


@login_required
@require_POST
def selection_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the selection as a job of the worker and show the job's page; its result links to
    the new run."""
    programme = selectors.programme_for(request.user, pk)
    try:
        job = start_selection(
            actor=request.user, programme=programme, request_id=request.request_id
        )
    except ProgrammeError as exc:
        messages.error(request, str(exc))
        return redirect("programmes:detail", pk=pk)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, pk)
    run = selectors.run_for(request.user, programme, version)
    reason = request.GET.get("alasan", "")
    page = paginate(selectors.decisions_for(request.user, run, reason), request.GET)
    other = request.GET.get("banding", "")
    comparison = None
    if other.isdigit() and int(other) != version:
        comparison = selectors.compare_runs(
            run, selectors.run_for(request.user, programme, int(other))
        )
    return render(
        request,
        "programmes/run.html",
        {
            "programme": programme,
            "run": run,
            "reasons": selectors.reason_counts(run),
            "reason": reason,
            "reason_label": dict(Reason.choices).get(reason, ""),
            "page": page,
            "comparison": comparison,
            "compare_with": other,
            "other_runs": selectors.runs_for(request.user, programme).exclude(pk=run.pk),
            "can_manage": has_capability(request.user, Capability.MANAGE_PROGRAMMES),
        },
    )


@login_required
@require_POST
def run_decide(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """Approve (optionally replacing the approved list, with a reason) or discard a run."""
    programme = selectors.programme_for(request.user, pk)
    run = selectors.run_for(request.user, programme, version)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "discard":
            discard_run(actor=request.user, run=run, reason=reason)
        else:
            approve_run(actor=request.user, run=run, replace=bool(request.POST.get("replace")),
                        reason=reason)  # fmt: skip
    except ProgrammeError as exc:
        messages.error(request, str(exc))
    return redirect("programmes:run", pk=pk, version=version)


@login_required
@require_GET
def enrolment_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The by-name-by-NIK list for the BPJS branch: full NIKs, so every download is audited
    (by the service)."""
    programme = selectors.programme_for(request.user, pk)
    buffer = io.BytesIO()
    export_enrolment_file(actor=request.user, programme=programme, fmt=fmt, out=buffer)
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="pendaftaran-{programme.pk}.{fmt}"'
    return response


@login_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    """Candidates of the user's area, and a form to register one (own village for operators)."""
    user = request.user
    filterset = selectors.candidates_filtered(user, request.GET)
    form = CandidateForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            register_candidate(actor=user, row=form.row)
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "✓")
            return redirect("programmes:candidates")
    listing, status = filtered_page(filterset, request.GET)
    if request.method == "POST":
        status = 400
    return render(request, "programmes/candidates.html", {**listing, "form": form}, status=status)
