"""The branch's pages (Capability.PROCESS_REGISTRATIONS: the BPJS branch, administrators): the
worklist of the requests of its area, masked; an officer's check of a request with warnings and a
withdrawal; and the registration file (full NIKs), taken with a stated reason. Thin: reads
through the selectors and the shared FilterSet, writes through services and ``handoff``, every
refusal shown as a bilingual message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.core.paging import PAGE_PARAM, filtered_page
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.registrations import handoff, selectors, services
from lindung.registrations.filters import RegistrationFilter, registrations_filtered
from lindung.registrations.forms.branch import RegistrationFileForm
from lindung.registrations.models import Registration, Status
from lindung.registry.masking import mask_kpj, mask_name, mask_nik

# What the worklist's actions carry back to the list they were taken from.
CARRIED = (*RegistrationFilter.base_filters, PAGE_PARAM)


def _present(r: Registration) -> dict[str, Any]:
    """A row as the page shows it: personal data masked (the full NIK is only in the file)."""
    return {
        "pk": r.pk,
        "reference": r.reference,
        "status": r.status,
        "status_label": r.get_status_display(),
        "channel_label": r.get_channel_display(),
        "segment": r.segment,
        "nik": mask_nik(r.nik),
        "name": mask_name(r.name),
        "village_code": r.village_id,
        "village_name": r.village.name,
        "npp": r.employer.npp if r.employer_id else "",
        "programmes": "+".join(r.programmes.split()),
        "first_month": r.first_month,
        "submitted_at": r.submitted_at,
        "warnings": r.warnings,
        "kpj": mask_kpj(r.kpj),
        "branch_reason": r.branch_reason,
        "can_check": r.status == Status.SUBMITTED,
        "can_withdraw": r.is_open,
    }


def _back(request: HttpRequest) -> HttpResponse:
    """The worklist with the filters the action was taken under."""
    carried = QueryDict(mutable=True)
    for key in CARRIED:
        value = request.POST.get(key, "")
        if value:
            carried[key] = value
    url = reverse("registrations:branch")
    return redirect(f"{url}?{carried.urlencode()}" if carried else url)


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_capability(user, Capability.PROCESS_REGISTRATIONS)
    listing, status = filtered_page(
        registrations_filtered(user, request.GET),
        request.GET,
        prepare=lambda rows: rows.select_related("village", "employer"),
    )
    page = listing["page"]
    try:
        ready = handoff.ready(user, request.GET).count()
    except ValidationError:
        ready = None  # a bad region or channel: the filter errors say why
    context = {
        **listing,
        "rows": [_present(r) for r in page.rows],
        "ready": ready,
        "file_filters": sorted(handoff.file_filters(request.GET).items()),
        "file_form": RegistrationFileForm(),
        "columns": handoff.headers(),
        "unconfirmed": _(
            "The column layout is unconfirmed until checked against the branch's "
            "collective-registration template."
        ),
        "inline_rows": handoff.inline_rows(),
    }
    return render(request, "registrations/branch/worklist.html", context, status=status)


@login_required
@require_POST
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer has read the request's warnings: it goes into the next registration file."""
    require_capability(request.user, Capability.PROCESS_REGISTRATIONS)
    registration = selectors.registration_for(request.user, pk)
    try:
        services.check(actor=request.user, request=registration)
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Request %(reference)s checked: it goes into the next registration file.")
            % {"reference": registration.reference},
        )
    return _back(request)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Capability.PROCESS_REGISTRATIONS)
    registration = selectors.registration_for(request.user, pk)
    try:
        services.withdraw(actor=request.user, request=registration)
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Request %(reference)s withdrawn.") % {"reference": registration.reference},
        )
    return _back(request)


@login_required
@require_POST
def registration_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """The registration file of the checked requests (POST: it writes audit rows with the
    stated reason and moves the requests to ``sent``); a large one is made by the worker."""
    if fmt not in handoff.FORMATS:
        raise Http404(fmt)
    user = request.user
    require_capability(user, Capability.PROCESS_REGISTRATIONS)
    form = RegistrationFileForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(request)
    try:
        made = handoff.hand_off(
            actor=user,
            fmt=fmt,
            data=request.POST,
            reason=form.cleaned_data["reason"],
            request_id=getattr(request, "request_id", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(request)
    if made.job is not None:
        messages.info(
            request,
            _("The file is being made; download it from this page when it is ready."),
        )
        return redirect("jobs:detail", pk=made.job.pk)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["Cache-Control"] = "no-store"
    return response
