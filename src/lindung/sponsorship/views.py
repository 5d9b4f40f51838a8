"""Sponsorship pages: the sponsor portal (its pledges, workers, invoices, impact, certificate),
the province/branch overview, and matching runs. Thin: selectors read, services write; every
bilingual refusal is shown as a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.core.paging import filtered_page, paginate
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability
from lindung.programmes.services.plans import ProgrammeError
from lindung.sponsorship import matching, selectors
from lindung.sponsorship import overview as ov
from lindung.sponsorship.forms import PledgeForm
from lindung.sponsorship.models import PledgeStatus
from lindung.sponsorship.services import SponsorshipError, create_pledge


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's pledges, ``?q=&status=&sponsor=&region=`` (``PledgeFilter``, as the API);
    the summary counts the filtered pledges (all pages). An invalid filter shows its messages
    over an empty list and no summary."""
    user = request.user
    filterset = selectors.pledges_filtered(user, request.GET)
    listing, status = filtered_page(filterset, request.GET)
    summary = None
    if status == 200:
        summary = selectors.pledge_summary(user, filterset.qs, timezone.localdate())
    return render(
        request,
        "sponsorship/home.html",
        {
            **listing,
            "sponsors": selectors.sponsors_for(user),
            "statuses": PledgeStatus.choices,
            "summary": summary,
            "show_places": selectors.shows_places(user),
            "can_pledge": has_capability(user, Capability.MANAGE_PLEDGES),
            "can_match": has_capability(user, Capability.MATCH_PLEDGES),
            "can_overview": selectors.can_see_region_overview(user),
        },
        status=status,
    )


@login_required
def pledge_create(request: HttpRequest) -> HttpResponse:
    form = PledgeForm(request.POST or None, sites=selectors.pledge_sites_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge = create_pledge(actor=request.user, **data)
        except (SponsorshipError, ProgrammeError) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("sponsorship:pledge", pk=pledge.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "sponsorship/pledge_form.html", {"form": form}, status=status)


@login_required
@require_GET
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = selectors.pledge_for(request.user, pk)
    return render(
        request,
        "sponsorship/pledge.html",
        {
            "pledge": pledge,
            "area_names": selectors.area_names(pledge),
            "show_places": selectors.shows_places(request.user),
            "workers": selectors.workers_for(request.user, pledge),
            "invoices": selectors.invoices_for(request.user, pledge),
        },
    )


def _impact_context(request: HttpRequest, pk: int) -> dict:
    pledge = selectors.pledge_for(request.user, pk)
    on = timezone.localdate()
    one = selectors.pledges_for(request.user).filter(pk=pledge.pk)
    return {
        "pledge": pledge,
        "on": on,
        "impact": selectors.impact_for(request.user, one, on),
        "workers": selectors.workers_for(request.user, pledge),
        "show_places": selectors.shows_places(request.user),
    }


@login_required
@require_GET
def impact(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "sponsorship/impact.html", _impact_context(request, pk))


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """Certificate of participation (Indonesian), PDF by WeasyPrint."""
    from lindung.core.pdf import render_pdf

    context = _impact_context(request, pk)
    html = render_to_string("sponsorship/certificate.html", context)
    reply = HttpResponse(render_pdf(html), content_type="application/pdf")
    reply["Content-Disposition"] = f'attachment; filename="sertifikat-csr-{pk}.pdf"'
    return reply


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.can_see_region_overview(user):
        raise PermissionDenied("sponsorship overview")
    on = timezone.localdate()
    counts = ov.village_counts(user, on)
    cents = ov.village_points(counts, selectors.scope_root(user))
    return render(
        request,
        "sponsorship/overview.html",
        {
            "by_region": selectors.pledges_by_regency(user),
            "sites": ov.sites_reach(user, on, counts, cents),
            "employers": ov.employers_to_approach(user, on, counts=counts, cents=cents),
            "map": ov.sites_map(user, _("Sponsor sites and funded workers")),
            "near_km": ov.NEAR_KM,
        },
    )


@login_required
def match_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        try:
            job = matching.start_matching(
                actor=user, code=request.POST.get("region", ""), request_id=request.request_id
            )
        except matching.UnknownRegion:
            messages.error(request, _("Unknown region"))
            return redirect("sponsorship:matches")
        except SponsorshipError as exc:
            messages.error(request, str(exc))
            return redirect("sponsorship:matches")
        return redirect("jobs:detail", pk=job.pk)
    return render(
        request,
        "sponsorship/matches.html",
        {
            "page": paginate(selectors.runs_for(user).select_related("region"), request.GET),
            "root": selectors.scope_root(user),
        },
    )


@login_required
@require_GET
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    run = selectors.run_for(user, pk)
    page = paginate(selectors.assignments_for(user, run), request.GET)
    page.rows = selectors.present_assignments(page.rows)
    return render(
        request,
        "sponsorship/match.html",
        {"run": run, "page": page, "show_places": selectors.shows_places(user)},
    )


@login_required
@require_POST
def match_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Discard a draft at once, or accept it as a job of the worker (its page shows the job's
    progress and links back here)."""
    user = request.user
    run = selectors.run_for(user, pk)
    try:
        if request.POST.get("decision") == "discard":
            matching.discard_run(actor=user, run=run)
        else:
            job = matching.start_accept(actor=user, run=run, request_id=request.request_id)
            return redirect("jobs:detail", pk=job.pk)
    except SponsorshipError as exc:
        messages.error(request, str(exc))
    return redirect("sponsorship:match", pk=run.pk)
