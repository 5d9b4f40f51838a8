"""Reading the register: the overview of the actor's area (coverage per category and the bodies
with theirs) and a body's page (its coverage, budget lines and worklist)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lindung.core.paging import filtered_page, paginate
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.publicworkers import selectors
from lindung.publicworkers.filters import PAGE_FILTERS, workers_filtered
from lindung.publicworkers.forms import BudgetLineForm, CoverageDayForm, OverviewForm
from lindung.publicworkers.models import PayingBody, PublicWorker, ReconciliationStatus
from lindung.publicworkers.selectors import (
    bodies_in,
    budget_of,
    in_area,
    own_village,
    with_coverage,
)
from lindung.publicworkers.services import sendable, village_body_code
from lindung.publicworkers.views.common import body_row, coverage_rows
from lindung.regions.models import Region
from lindung.registrations.models import Status as RequestStatus
from lindung.registry.masking import mask_kpj, mask_name, mask_nik

OVERVIEW = "publicworkers/index.html"


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The register of the actor's area, or of ``?region=`` / ``?body=`` within it, on
    ``?date=`` (default today). A village operator goes straight to its village government."""
    user = request.user
    require_capability(user, Capability.VIEW_PUBLIC_WORKERS)
    form = OverviewForm(request.GET)
    if not form.is_valid():
        return render(request, OVERVIEW, {"form": form, "invalid": True}, status=400)
    region = form.cleaned_data.get("region") or ""
    body_pk = form.cleaned_data.get("body")
    day = form.cleaned_data.get("date")
    village = own_village(user)
    own_body = None
    if village:
        own_body = selectors.bodies_for(user).filter(code=village_body_code(village)).first()
        if own_body is not None and not (region or body_pk or day):
            return redirect("publicworkers:body", pk=own_body.pk)
    if region and not in_area(user, region):
        raise Http404(region)
    body = selectors.body_for(user, body_pk) if body_pk else None
    rows, total = selectors.coverage(user, region=region, body=body, on=day)
    bodies = bodies_in(user, region).select_related("region")
    if body is not None:
        bodies = bodies.filter(pk=body.pk)
    page = paginate(with_coverage(bodies).order_by("code"), request.GET)
    page.rows = [body_row(b) for b in page.rows]
    context: dict[str, Any] = {
        "form": form,
        "region": Region.objects.filter(code=region).first() if region else None,
        "body": body,
        "day": day or timezone.localdate(),
        "rows": coverage_rows(rows),
        "total": coverage_rows([total])[0],
        "page": page,
        "village": village,
        "needs_own_body": bool(village) and own_body is None,
        "can_manage": has_capability(user, Capability.MANAGE_PUBLIC_WORKERS),
    }
    return render(request, OVERVIEW, context)


def present_worker(w: PublicWorker, today: dt.date) -> dict[str, Any]:
    """A worklist row: personal data masked (UU PDP)."""
    registration = w.registration
    covered = w.status == ReconciliationStatus.ACTIVE
    starts = None
    if registration and registration.status == RequestStatus.CONFIRMED:
        starts = registration.first_month if registration.first_month > today else None
    return {
        "pk": w.pk,
        "nik": mask_nik(w.nik),
        "name": mask_name(w.name),
        "category": w.category.label,
        "category_code": w.category_id,
        "status": w.status,
        "status_label": w.get_status_display(),
        "covered": covered,
        "starts": starts,
        "sendable": not covered and starts is None and not (registration and registration.is_open),
        "kpj": mask_kpj(w.kpj),
        "paid_through": w.paid_through,
        "reconciled_on": w.reconciled_on,
        "reference": registration.reference if registration else "",
        "registration_status": registration.status if registration else "",
        "registration_label": registration.get_status_display() if registration else "",
    }


@login_required
@require_GET
def body_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_capability(user, Capability.VIEW_PUBLIC_WORKERS)
    body: PayingBody = selectors.body_for(user, pk)
    listing, status = filtered_page(
        workers_filtered(user, request.GET, body),
        request.GET,
        prepare=lambda rows: rows.select_related("category", "registration"),
    )
    filterset = listing["filter"]
    uncovered = None
    if status == 200:
        uncovered = sendable(filterset.qs).count()
    today = timezone.localdate()
    year = today.year
    day_form = CoverageDayForm(request.GET)
    day = day_form.cleaned_data.get("date") if day_form.is_valid() else None
    if not day_form.is_valid():
        status = 400
    rows, total = selectors.coverage(user, body=body, on=day)
    budget = budget_of(body, year)
    context = {
        **listing,
        "body": body,
        "day_form": day_form,
        "day": day or timezone.localdate(),
        "rows": coverage_rows(rows, budget),
        "total": coverage_rows([total])[0],
        "planned_total": sum(p for p, _r in budget.values()),
        "realised_total": sum(r for _p, r in budget.values()),
        "year": year,
        "workers": [present_worker(w, today) for w in listing["page"].rows],
        "page_filters": [filterset.form[name] for name in PAGE_FILTERS],
        "uncovered": uncovered,
        "can_manage": has_capability(user, Capability.MANAGE_PUBLIC_WORKERS),
        "budget_form": BudgetLineForm(),
    }
    return render(request, "publicworkers/body.html", context, status=status)
