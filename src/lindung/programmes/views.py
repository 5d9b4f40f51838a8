"""Programme pages: list, plan, detail with workflow and runs, a run with its explanation and
comparison, the enrolment file, candidates registered by hand. Thin: reads from selectors,
writes through services; every bilingual refusal is shown as a message, nothing is lost."""

from __future__ import annotations

import io
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lindung.core.audit import record_audit
from lindung.core.i18n import bilingual
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.programmes import selectors
from lindung.programmes.enrolment import write_enrolment_file
from lindung.programmes.forms import CandidateForm, ProgrammeForm
from lindung.programmes.models import ProgrammeStatus, Reason, RunStatus
from lindung.programmes.money import budget_status
from lindung.programmes.selection import approve_run, discard_run, run_selection
from lindung.programmes.services import (
    TRANSITIONS,
    ProgrammeError,
    create_programme,
    move,
    register_candidate,
)

PAGE_SIZE = 50


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_for(request.user)
    return render(
        request,
        "programmes/list.html",
        {
            "programmes": programmes,
            "can_manage": has_capability(request.user, Capability.MANAGE_PROGRAMMES),
            "can_register": has_capability(request.user, Capability.REGISTER_CANDIDATES),
        },
    )


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
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
            "runs": selectors.runs_for(user, programme),
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


@login_required
@require_POST
def programme_move(request: HttpRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Capability.MANAGE_PROGRAMMES)
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
    require_capability(request.user, Capability.MANAGE_PROGRAMMES)
    programme = selectors.programme_for(request.user, pk)
    try:
        run = run_selection(actor=request.user, programme=programme)
    except ProgrammeError as exc:
        messages.error(request, str(exc))
        return redirect("programmes:detail", pk=pk)
    return redirect("programmes:run", pk=pk, version=run.version)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    programme = selectors.programme_for(request.user, pk)
    run = selectors.run_for(request.user, programme, version)
    reason = request.GET.get("alasan", "")
    page = Paginator(selectors.decisions_for(request.user, run, reason), PAGE_SIZE).get_page(
        request.GET.get("halaman")
    )
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
    require_capability(request.user, Capability.MANAGE_PROGRAMMES)
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
    """The by-name-by-NIK list for the BPJS branch: full NIKs, so every download is audited."""
    require_capability(request.user, Capability.MANAGE_PROGRAMMES)
    programme = selectors.programme_for(request.user, pk)
    buffer = io.BytesIO()
    rows = write_enrolment_file(programme, fmt, buffer)
    record_audit(
        actor=request.user, action="programmes.enrolment.export", target=programme,
        region_code=programme.area_id, after={"format": fmt, "rows": rows},
        reason="daftar pendaftaran untuk BPJS Ketenagakerjaan",
    )  # fmt: skip
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="pendaftaran-{programme.pk}.{fmt}"'
    return response


DIGIT_RUN = re.compile(r"\d{6,}")
NAME_SEARCH_ONLY = bilingual(
    "Cari calon dengan nama; NIK tidak boleh ada di URL (URL tercatat di log server).",
    "Search candidates by name; a NIK must not be in a URL (URLs land in server logs).",
)


@login_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    """Candidates of the user's area, and a form to register one (own village for operators)."""
    user = request.user
    query = request.GET.get("q", "").strip()
    if DIGIT_RUN.search(query):
        # The search box takes names; a NIK (or part of one) must not sit in a URL.
        messages.error(request, NAME_SEARCH_ONLY)
        query = ""
    rows = selectors.candidates_for(user, query)
    form = CandidateForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        raw = {
            "nik": data["nik"], "kk": data.get("kk") or "", "name": data["name"],
            "sex": data["sex"], "birth_date": data["birth_date"].isoformat(),
            "village": data["village_code"].code, "occupation": data.get("occupation") or "",
            "decile": str(data["welfare_decile"] or ""), "source": "operator desa",
        }  # fmt: skip
        try:
            register_candidate(actor=user, raw=raw)
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "✓")
            return redirect("programmes:candidates")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "programmes/candidates.html", {"page": page, "form": form, "q": query},
        status=status,
    )  # fmt: skip
