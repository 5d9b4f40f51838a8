"""The hand-off page: workers whose programme funding ends, and what each chose."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.core.paging import paginate
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.registrations import continuation, selectors, services
from lindung.registrations.models import HandoffChoice
from lindung.registry.masking import mask_name, mask_nik


@login_required
@require_GET
def handoffs(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Capability.MANAGE_PROGRAMMES)
    rows = selectors.handoffs_for(request.user).order_by("funding_ends", "id")
    page = paginate(rows, request.GET)
    programmes = {h.programme_id: h.programme for h in page.rows}
    context = {
        "page": page,
        "rows": [
            {
                "handoff": h,
                "nik": mask_nik(h.candidate.nik),
                "name": mask_name(h.candidate.name),
            }
            for h in page.rows
        ],
        "choices": [c for c in HandoffChoice.choices if c[0] != HandoffChoice.OFFERED],
        "retention": [(p, continuation.retention(p)) for p in sorted(programmes.values(), key=str)],
    }
    return render(request, "registrations/handoffs.html", context)


@login_required
@require_POST
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Capability.MANAGE_PROGRAMMES)
    handoff = selectors.handoff_for(request.user, pk)
    try:
        continuation.choose(
            actor=request.user, handoff=handoff, choice=request.POST.get("choice", "")
        )
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The worker's choice is recorded."))
    return redirect("registrations:handoffs")
