"""Acting on a body's register (``MANAGE_PUBLIC_WORKERS``): a village operator opens its village
government's register, a worker entered by hand, the uncovered sent as registration requests,
a reconciliation started now, a budget line set."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lindung.core.i18n import bilingual
from lindung.core.jobs import services as jobs
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.publicworkers import selectors, services
from lindung.publicworkers.filters import workers_filtered
from lindung.publicworkers.forms import BudgetLineForm, SendForm, WorkerForm
from lindung.publicworkers.models import BodyKind, PayingBody
from lindung.publicworkers.selectors import own_village
from lindung.publicworkers.services import sendable
from lindung.publicworkers.views.common import back_to_body
from lindung.regions.models import Region
from lindung.registry.masking import mask_name, mask_nik

# One click sends at most this many persons (each is a registration request of its own).
SEND_BATCH = 500
# Refusals listed one by one; the rest are counted.
REFUSALS_SHOWN = 20


def _managed_body(request: HttpRequest, pk: int) -> PayingBody:
    require_capability(request.user, Capability.MANAGE_PUBLIC_WORKERS)
    return selectors.body_for(request.user, pk)


@login_required
@require_POST
def open_own_body(request: HttpRequest) -> HttpResponse:
    """A village operator's first visit: its village government's register is opened (the body
    created, audited) and the operator goes to its page."""
    user = request.user
    require_capability(user, Capability.MANAGE_PUBLIC_WORKERS)
    village = own_village(user)
    if not village:
        raise PermissionDenied("not a village operator")
    code = services.village_body_code(village)
    body = selectors.bodies_for(user).filter(code=code).first()
    if body is None:
        region = Region.objects.get(code=village)
        try:
            body = services.save_body(
                actor=user,
                code=code,
                name=f"Pemerintah Desa {region.name}",
                kind=BodyKind.VILLAGE,
                region=region,
            )
        except services.PublicWorkerError as exc:
            messages.error(request, str(exc))
            return redirect("publicworkers:index")
    return redirect("publicworkers:body", pk=body.pk)


@login_required
@require_http_methods(["GET", "POST"])
def add_worker(request: HttpRequest, pk: int) -> HttpResponse:
    body = _managed_body(request, pk)
    initial = {"village_code": body.region_id} if body.kind == BodyKind.VILLAGE else {}
    form = WorkerForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                worker = services.save_worker(actor=request.user, body=body, data=form.data_of())
            except services.PublicWorkerError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("%(name)s is on the register: %(status)s.")
                    % {"name": mask_name(worker.name), "status": worker.get_status_display()},
                )
                return redirect("publicworkers:body", pk=body.pk)
        status = 400
    context = {"body": body, "form": form}
    return render(request, "publicworkers/worker_form.html", context, status=status)


def _report_sent(request: HttpRequest, sent: services.Sent) -> None:
    if sent.requests:
        messages.success(
            request,
            ngettext(
                "%(count)s person sent as a registration request.",
                "%(count)s persons sent as registration requests.",
                len(sent.requests),
            )
            % {"count": len(sent.requests)},
        )
    for worker, reason in sent.refused[:REFUSALS_SHOWN]:
        messages.warning(
            request,
            _("Not sent: %(name)s (%(nik)s): %(reason)s")
            % {"name": mask_name(worker.name), "nik": mask_nik(worker.nik), "reason": reason},
        )
    more = len(sent.refused) - REFUSALS_SHOWN
    if more > 0:
        messages.warning(
            request,
            ngettext(
                "%(count)s more person was not sent.",
                "%(count)s more persons were not sent.",
                more,
            )
            % {"count": more},
        )
    if not sent.requests and not sent.refused:
        messages.info(
            request,
            _("Nobody to send: everyone chosen is covered or has a registration request open."),
        )


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticked rows, or every uncovered person the page's filter shows (at most
    ``SEND_BATCH`` a click), become registration requests."""
    body = _managed_body(request, pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return back_to_body(request, body)
    filterset = workers_filtered(request.user, request.POST, body)
    if not filterset.is_valid():
        messages.error(
            request,
            bilingual(
                "Saringan tidak sah; tidak ada yang dikirim.", "Invalid filter; nothing was sent."
            ),
        )
        return back_to_body(request, body)
    workers: Any = sendable(filterset.qs)
    if form.cleaned_data["which"] == SendForm.CHECKED:
        workers = workers.filter(pk__in=form.cleaned_data["worker"])
    chosen = list(workers.select_related("body", "category", "registration")[: SEND_BATCH + 1])
    if len(chosen) > SEND_BATCH:
        chosen = chosen[:SEND_BATCH]
        messages.info(
            request,
            _("The first %(count)s persons were taken; send again for the rest.")
            % {"count": SEND_BATCH},
        )
    _report_sent(request, services.send_for_registration(actor=request.user, workers=chosen))
    return back_to_body(request, body)


@login_required
@require_POST
def reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    """Reconcile the body's area with the registry now, in a job; its page shows the progress."""
    body = _managed_body(request, pk)
    try:
        job = jobs.submit(
            actor=request.user,
            kind="publicworkers.reconcile",
            target=f"region:{body.region_id}",
            label=bilingual(
                f"Rekonsiliasi pekerja sektor publik {body.name}",
                f"Reconcile public-sector workers of {body.name}",
            ),
            work="lindung.publicworkers.jobs.reconcile_all",
            arguments={"region": body.region_id},
            region_code=body.region_id,
            request_id=getattr(request, "request_id", ""),
        )
    except jobs.JobBusy as exc:
        messages.error(request, str(exc))
        return back_to_body(request, body)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    body = _managed_body(request, pk)
    form = BudgetLineForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for message in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {message}" if label else message)
        return back_to_body(request, body)
    c = form.cleaned_data
    try:
        services.set_budget_line(
            actor=request.user,
            body=body,
            category=c["category"],
            fiscal_year=c["fiscal_year"],
            planned=c["planned"],
            realised=c.get("realised") or 0,
        )
    except services.PublicWorkerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Budget line for %(category)s %(year)s saved.")
            % {"category": c["category"].label, "year": c["fiscal_year"]},
        )
    return back_to_body(request, body)
