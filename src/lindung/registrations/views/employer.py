"""The employer portal (docs/domain.md §13.1): an employer user picks its firm, sees its active
workers (masked), its registration requests with their status, warnings and monthly
contribution, registers one worker by form or many by file, and reports a wage change or an
exit. Thin: reads come from ``employer_selectors``, writes from the services."""

from __future__ import annotations

import contextlib
import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from lindung.core.imports import services as imports
from lindung.core.imports.reports import reject_report_download
from lindung.core.imports.selectors import rejected_rows
from lindung.core.imports.views import ENVELOPE_BYTES, UploadSizeLimit, too_large_message
from lindung.core.loading import LoadError
from lindung.core.models import ImportState
from lindung.core.paging import paginate
from lindung.core.templatetags.number_format import number_id
from lindung.registrations import changes, services
from lindung.registrations import employer_selectors as selectors
from lindung.registrations.employer_importer import EmployerRegistrationImporter, submit_file
from lindung.registrations.forms.employer import (
    EXIT_REASONS,
    ExitForm,
    WageChangeForm,
    WorkerFileForm,
    WorkerForm,
)
from lindung.registrations.models import ChangeKind, Channel, Payer
from lindung.registry.masking import mask_kpj, mask_name, mask_nik, present_membership

# What each column of a worker file holds (the upload page's table).
COLUMN_HELP = {
    "nik": gettext_lazy("The worker's 16-digit NIK (store the column as text)"),
    "name": gettext_lazy("Full name as on the KTP"),
    "sex": gettext_lazy("L/P or M/F; empty: read from the NIK"),
    "birth_date": gettext_lazy("YYYY-MM-DD or DD/MM/YYYY; empty: read from the NIK"),
    "village": gettext_lazy("Kemendagri code of the village of domicile, e.g. 18.71.01.1003"),
    "occupation": gettext_lazy("Job title"),
    "wage": gettext_lazy("Monthly wage in whole Rupiah, e.g. 3500000"),
    "programmes": gettext_lazy("e.g. JKK, JKM, JHT, JP; empty: those the firm must have"),
    "first_month": gettext_lazy("The first contribution month, e.g. 2025-03"),
    "npp": gettext_lazy("Empty, or this firm's NPP"),
}
EXIT_REASON_LABELS = dict(EXIT_REASONS)
CHANGE_FORMS = {ChangeKind.WAGE: WageChangeForm, ChangeKind.EXIT: ExitForm}


def _portal_url(npp: str) -> str:
    return f"{reverse('registrations:employer')}?npp={npp}"


def _present_request(r: Any) -> dict[str, Any]:
    return {
        "reference": r.reference,
        "nik": mask_nik(r.nik),
        "name": mask_name(r.name),
        "status": r.status,
        "status_label": r.get_status_display(),
        "first_month": r.first_month,
        "programmes": r.programmes.split(),
        "contribution": r.monthly_contribution,
        "warnings": list(r.warnings or []),
        "branch_reason": r.branch_reason,
        "submitted_at": r.submitted_at,
    }


def _present_change(c: Any) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "status_label": c.get_status_display(),
        "name": mask_name(c.membership.person.name),
        "kpj": mask_kpj(c.membership.kpj),
        "new_wage": c.new_wage,
        "effective_month": c.effective_month,
        "exit_date": c.exit_date,
        "reason": EXIT_REASON_LABELS.get(c.reason, c.reason),
        "submitted_at": c.submitted_at,
    }


@login_required
@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """The chosen firm (``?npp=``, else the first one owned): its active workers, its
    requests and changes, and the user's latest files."""
    user = request.user
    firms = list(selectors.own_employers(user))
    context: dict[str, Any] = {"firms": firms, "firm": None}
    if firms:
        wanted = request.GET.get("npp", "")
        firm = next((f for f in firms if f.npp == wanted), None) if wanted else firms[0]
        if firm is None:
            raise Http404("employer")
        workers = paginate(selectors.active_workers(firm), request.GET, key="pk")
        open_changes = selectors.open_changes(firm, workers.rows)
        rows = []
        for membership in workers.rows:
            row = present_membership(membership)
            row["open_changes"] = open_changes.get(membership.pk, set())
            rows.append(row)
        requests = paginate(selectors.firm_requests(user, firm), request.GET)
        context.update(
            firm=firm,
            workers=workers,
            worker_rows=rows,
            worker_count=selectors.active_worker_count(firm),
            requests=requests,
            request_rows=[_present_request(r) for r in requests.rows],
            changes=[_present_change(c) for c in selectors.firm_changes(user, firm)[:20]],
            files=list(selectors.worker_files(user)[:5]),
        )
    return render(request, "registrations/employer/portal.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, npp: str) -> HttpResponse:
    """One worker by form. A refusal is shown as a message over the form, its values kept."""
    user = request.user
    firm = selectors.own_employer(user, npp)
    form = WorkerForm(request.POST or None, employer=firm)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = services.submit(
                    actor=user, channel=Channel.EMPLOYER, draft=form.draft(), payer=Payer.EMPLOYER
                )
            except services.RegistrationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Request %(reference)s submitted: Rp %(amount)s a month.")
                    % {
                        "reference": created.reference,
                        "amount": number_id(created.monthly_contribution),
                    },
                )
                for warning in created.warnings:
                    messages.warning(request, warning)
                if "another" in request.POST:
                    return redirect("registrations:employer-register", npp=firm.npp)
                return redirect(_portal_url(firm.npp))
    context = {"firm": firm, "form": form}
    return render(request, "registrations/employer/register.html", context, status=status)


def _upload_page(request: HttpRequest, firm: Any, form: WorkerFileForm, status: int = 200):
    context = {
        "firm": firm,
        "form": form,
        "columns": [
            (c.name, c.aliases[:2], c.required, COLUMN_HELP.get(c.name, ""))
            for c in EmployerRegistrationImporter.columns
        ],
    }
    return render(request, "registrations/employer/upload.html", context, status=status)


@csrf_exempt  # a POST is checked by _upload once the size limit is in place (as on /impor/)
@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, npp: str) -> HttpResponse:
    """The file form; a posted file of workers becomes an import job of the chosen firm."""
    firm = selectors.own_employer(request.user, npp)
    if request.method == "GET":
        return _upload_page(request, firm, WorkerFileForm())
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > settings.IMPORT_MAX_UPLOAD_BYTES + ENVELOPE_BYTES:
        form = WorkerFileForm({})  # the body is not read at all
        form.is_valid()
        form.errors.clear()
        form.add_error(None, too_large_message())
        return _upload_page(request, firm, form, 413)
    with contextlib.suppress(AttributeError):
        request.upload_handlers.insert(0, UploadSizeLimit(request))
    return _upload(request, firm)


@csrf_protect
def _upload(request: HttpRequest, firm: Any) -> HttpResponse:
    form = WorkerFileForm(request.POST, request.FILES)
    if getattr(request, "import_upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", too_large_message())
        return _upload_page(request, firm, form, 413)
    if not form.is_valid():
        return _upload_page(request, firm, form, 400)
    try:
        job = submit_file(
            actor=request.user,
            employer=firm,
            upload=form.cleaned_data["file"],
            request_id=request.request_id,
        )
    except LoadError as exc:  # the same file is being imported now, or cannot be read
        form.add_error("file", str(exc))
        return _upload_page(request, firm, form, 409)
    return redirect("registrations:employer-file", job_id=job.pk)


@login_required
@require_GET
def worker_file(request: HttpRequest, job_id: int) -> HttpResponse:
    """A file's result: its counters and every rejected row with its line and reason."""
    job = selectors.worker_file(request.user, job_id)
    rejected = paginate(rejected_rows(job), request.GET)
    context = {
        "job": job,
        "rejected": rejected,
        "running": job.state == ImportState.RUNNING,
        "firms": list(selectors.own_employers(request.user)),
    }
    return render(request, "registrations/employer/file.html", context)


@login_required
@require_GET
def worker_file_rejects(request: HttpRequest, job_id: int) -> HttpResponse:
    """The reject report as CSV (audited, as on the import pages)."""
    job = selectors.worker_file(request.user, job_id)
    out = io.StringIO()
    imports.export_reject_report(actor=request.user, job=job, out=out)
    return reject_report_download(out.getvalue(), job)


@login_required
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, npp: str, membership_id: int, kind: str) -> HttpResponse:
    """A wage change or an exit of one active worker of the firm."""
    user = request.user
    firm = selectors.own_employer(user, npp)
    membership = selectors.active_worker(user, firm, membership_id)
    form = CHANGE_FORMS[kind](request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changes.report_change(actor=user, membership=membership, kind=kind, **form.change())
            except changes.ChangeError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Change reported; the branch will apply it."))
                return redirect(_portal_url(firm.npp))
    context = {
        "firm": firm,
        "form": form,
        "kind": kind,
        "worker": present_membership(membership),
    }
    return render(request, "registrations/employer/change.html", context, status=status)
