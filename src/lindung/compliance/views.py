"""Compliance pages: the prioritised worklist, a subject's findings with their evidence, cases
(per region and per inspector) with steps, notes, attachments and letters, the SLA dashboard,
check runs and letter templates. Thin: reads from selectors, writes through services (which
check the capability and audit); every bilingual refusal is shown as a message. The lists are
filtered by the same FilterSets and parameter names as the API (``selectors.*_filtered``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.compliance import letters, selectors, services
from lindung.compliance.models import (
    LETTER_STEP,
    OPEN_STEPS,
    Check,
    LetterKind,
    Referral,
    Step,
)
from lindung.compliance.presenters import evidence_lines
from lindung.compliance.services import ComplianceError
from lindung.core.paging import filtered_page
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability
from lindung.regions.models import Region


def _can_manage(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.MANAGE_COMPLIANCE)


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    region, check = request.GET.get("region", ""), request.GET.get("check", "")
    listing, status = filtered_page(
        selectors.scores_filtered(request.user, request.GET), request.GET
    )
    regencies = Region.objects.for_actor(request.user).filter(level="regency").order_by("code")
    counts = selectors.findings_for(request.user).order_by().values_list("kind")
    totals = {k: 0 for k in Check.values}
    for (kind,) in counts:
        totals[kind] += 1
    return render(
        request,
        "compliance/worklist.html",
        {
            **listing,
            "region": region,
            "check": check,
            "checks": Check.choices,
            "totals": [(k, Check(k).label, totals[k]) for k in Check.values],
            "regencies": regencies,
            "can_manage": _can_manage(request),
        },
        status=status,
    )


@login_required
@require_GET
def subject(request: HttpRequest, pk: int) -> HttpResponse:
    score = selectors.score_for(request.user, pk)
    findings = [
        (f, Check(f.kind).label, evidence_lines(f.kind, f.evidence))
        for f in selectors.subject_findings(request.user, score)
    ]
    cases = (
        selectors.cases_for(request.user).filter(employer=score.employer)
        if score.employer_id
        else selectors.cases_for(request.user).filter(
            business=score.business, employer__isnull=True
        )
    )
    return render(
        request,
        "compliance/subject.html",
        {
            "score": score,
            "findings": findings,
            "cases": cases,
            "can_manage": _can_manage(request),
            "has_open_case": any(c.step in OPEN_STEPS for c in cases),
        },
    )


@login_required
@require_POST
def open_case(request: HttpRequest, pk: int) -> HttpResponse:
    score = selectors.score_for(request.user, pk)
    try:
        case = services.open_case(
            actor=request.user,
            employer=score.employer,
            business=None if score.employer_id else score.business,
            note=request.POST.get("note", ""),
        )
    except ComplianceError as exc:
        messages.error(request, str(exc))
        return redirect("compliance:subject", pk=pk)
    return redirect("compliance:case", pk=case.pk)


@login_required
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    listing, status = filtered_page(
        selectors.findings_filtered(request.user, request.GET), request.GET
    )
    return render(
        request,
        "compliance/findings.html",
        {**listing, "check": request.GET.get("check", ""), "checks": Check.choices},
        status=status,
    )


@login_required
@require_GET
def businesses(request: HttpRequest) -> HttpResponse:
    listing, status = filtered_page(
        selectors.businesses_filtered(request.user, request.GET), request.GET
    )
    return render(request, "compliance/businesses.html", listing, status=status)


@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    # Without a step the page shows the open cases ("All" sends an empty step).
    params.setdefault("step", "open")
    listing, status = filtered_page(selectors.cases_filtered(request.user, params), request.GET)
    step = params.get("step", "")
    # The pager keeps an empty step too: it means "All", not the default "open".
    page = listing["page"]
    page.filters = [("step", step), *(f for f in page.filters if f[0] != "step")]
    return render(
        request,
        "compliance/cases.html",
        {
            **listing,
            "step": step,
            "steps": Step.choices,
            "mine": params.get("mine") == "1",
            "overdue": params.get("overdue") == "1",
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    can_manage = _can_manage(request)
    letter_kinds = [
        (k, LetterKind(k).label)
        for k, step in LETTER_STEP.items()
        if step == case.step and (step != Step.REFERRED or case.referral == k)
    ]
    return render(
        request,
        "compliance/case.html",
        {
            "case": case,
            "evidence": [
                (Check(k).label, evidence_lines(k, e)) for k, e in sorted(case.evidence.items())
            ],
            "events": case.events.select_related("actor"),
            "letters": case.letters.all(),
            "attachments": case.attachments.all(),
            "next_steps": [(s, Step(s).label) for s in services.allowed_steps(case.step)],
            "referrals": Referral.choices,
            "letter_kinds": letter_kinds,
            "inspectors": selectors.inspectors_for(request.user) if can_manage else [],
            "effect": selectors.effect(case),
            "response": selectors.employer_response(request.user, case),
            "can_manage": can_manage,
            "overdue": case.is_open and case.due_date and case.due_date < timezone.localdate(),
        },
    )


def _case_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    try:
        action(case)
    except ComplianceError as exc:
        messages.error(request, str(exc))
    return redirect("compliance:case", pk=pk)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise ComplianceError("tanggal tidak valid / invalid date") from None


@login_required
@require_POST
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    post = request.POST
    return _case_action(
        request, pk,
        lambda case: services.move_case(
            actor=request.user, case=case, to=post.get("to", ""), note=post.get("note", ""),
            referral=post.get("referral", ""), on=_date(post.get("on", "")),
        ),
    )  # fmt: skip


@login_required
@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def assign(case) -> None:
        raw = request.POST.get("assignee", "")
        assignee = None
        if raw:
            assignee = selectors.inspectors_for(request.user).filter(pk=raw).first()
            if assignee is None:
                raise ComplianceError("petugas tidak dikenal / unknown inspector")
        services.assign_case(actor=request.user, case=case, assignee=assignee)

    return _case_action(request, pk, assign)


@login_required
@require_POST
def case_note(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk,
        lambda case: services.add_note(actor=request.user, case=case,
                                       text=request.POST.get("text", "")),
    )  # fmt: skip


@login_required
@require_POST
def case_attach(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk,
        lambda case: services.add_attachment(actor=request.user, case=case,
                                             upload=request.FILES.get("file")),
    )  # fmt: skip


@login_required
@require_POST
def letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request, pk,
        lambda case: services.issue_letter(actor=request.user, case=case,
                                           kind=request.POST.get("kind", "")),
    )  # fmt: skip


@login_required
@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_for(request.user, pk)
    response = HttpResponse(letters.pdf_bytes(letter.html), content_type="application/pdf")
    name = letter.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="surat-{name}.pdf"'
    return response


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.attachment_for(request.user, pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@login_required
@require_GET
def sla(request: HttpRequest) -> HttpResponse:
    rows = selectors.sla(request.user)
    return render(
        request,
        "compliance/sla.html",
        {
            "rows": rows,
            "total_open": sum(r.open for r in rows),
            "total_overdue": sum(r.overdue for r in rows),
        },
    )


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            # The page always names a region: "" (everything) is for the CLI.
            code = request.POST.get("region", "").strip() or "-"
            job = services.start_checks(
                actor=request.user, region=code, request_id=request.request_id
            )
        except ComplianceError as exc:
            messages.error(request, str(exc))
            return redirect("compliance:runs")
        return redirect("jobs:detail", pk=job.pk)
    rows = [
        (r, selectors.run_counts(request.user, r)) for r in selectors.runs_for(request.user)[:30]
    ]
    return render(
        request,
        "compliance/runs.html",
        {
            "runs": rows,
            "checks": Check.choices,
            "regions": Region.objects.for_actor(request.user)
            .exclude(level="village")
            .exclude(level="district")
            .order_by("code"),
            "can_manage": _can_manage(request),
        },
    )


@login_required
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    return render(
        request, "compliance/templates.html", {"templates": selectors.templates_for(request.user)}
    )


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import Http404

    template = selectors.templates_for(request.user).filter(pk=pk).first()
    if template is None:
        raise Http404(pk)
    if request.method == "POST":
        try:
            services.save_template(
                actor=request.user, template=template, title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
            )  # fmt: skip
        except ComplianceError as exc:
            messages.error(request, str(exc))
            return render(
                request, "compliance/template_edit.html",
                {"template": template, "body": request.POST.get("body", "")}, status=400,
            )  # fmt: skip
        messages.success(request, "templat disimpan / template saved")
        submitted = request.POST.get("body", "").replace("\r\n", "\n").replace("\r", "\n")
        if template.body != submitted:  # the service cut it down to the letters' allow-list
            messages.warning(
                request,
                _(
                    "HTML not allowed in letters (scripts, links, frames, embedded objects, "
                    "addresses of files or websites) was removed or tidied; please check the text."
                ),
            )
        return redirect("compliance:templates")
    return render(
        request, "compliance/template_edit.html", {"template": template, "body": template.body}
    )
