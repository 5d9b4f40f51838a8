"""The award's organiser pages, public results and certificates (/penghargaan/). Thin: reads
come from selectors, writes go through services, and every ``AwardError`` is shown to the user
as a message. The entrants', verifiers' and jurors' pages are in ``award.portal``.

Who may open what (selectors.py says why):

* home: anyone with VIEW_AWARD (the editions they see, their entries or worklists);
* edition overview: anyone with VIEW_AWARD, for the editions they see
  (``selectors.edition_for``); its forms only for MANAGE_AWARD on an edition of the user's
  region (``selectors.managed_edition``);
* scoring run: the organisers and the read-only co-organisers, the BPJS branch and auditors
  (``selectors.organises``), cut to the entries they see; jurors are named only to readers with
  MANAGE_AWARD or VIEW_AUDIT (the organiser and the auditors);
* results and certificates of a published edition: everyone, logged in or not.

Freezing the indicators and computing a run are jobs (``runs.start_freeze``,
``runs.start_compute``): the POST opens the job's page, whose result links to the edition or the
new run.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.award import certificates, presenters, runs, scoring, selectors, services
from lindung.award.models import (
    AssignmentKind,
    Criterion,
    Edition,
    StageKind,
    next_stage,
)
from lindung.award.organiser.forms import AssignForm, EntryAddForm, WeightForm
from lindung.award.pages import invalid_filters, respond_to_write, valid_data
from lindung.award.services import AwardError
from lindung.core.models import Job
from lindung.core.paging import paginate
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.regions.models import Region
from lindung.registry.models import Employer


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_capability(user, Capability.VIEW_AWARD)
    enters = has_capability(user, Capability.ENTER_AWARD) and not has_capability(
        user, Capability.MANAGE_AWARD
    )
    return render(
        request,
        "award/home.html",
        {
            "editions": selectors.editions_for(user).select_related("region"),
            "my_entries": selectors.entries_for(user).order_by("edition_id", "name")
            if enters
            else [],
            "enters": enters,
            "verifies": has_capability(user, Capability.VERIFY_AWARD),
            "judges": has_capability(user, Capability.JUDGE_AWARD),
            "published": selectors.published_editions(),
        },
    )


def _next_stage(edition: Edition) -> tuple[str, str] | None:
    target = next_stage(edition.stage)
    return (target, str(StageKind(target).label)) if target else None


@login_required
@require_GET
def edition(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    edition = selectors.edition_for(user, pk)
    manages = selectors.manages(user, edition)
    organises = selectors.organises(user)
    planned = {s.kind: s for s in edition.stages.all()}
    filters = selectors.entries_filtered(user, request.GET, edition)
    if filters.is_valid():
        page = paginate(filters.qs, request.GET)
    else:
        messages.error(request, invalid_filters(filters))
        page = paginate([], request.GET)
    stages = [(kind, label, planned.get(kind)) for kind, label in StageKind.choices]
    return render(
        request,
        "award/edition.html",
        {
            "edition": edition,
            "stages": stages,
            "next_stage": _next_stage(edition) if manages else None,
            "categories": edition.categories.annotate(
                weight_sum=Sum("criteria__weight")
            ).prefetch_related("criteria"),
            "entries": page,
            "filters": filters,
            # The assign form offers every entry, not only the page's.
            "assignable_entries": selectors.edition_entries(user, edition) if manages else [],
            "runs": selectors.runs_of(edition) if organises else [],
            "frozen": selectors.frozen_indicators(edition) if organises else None,
            "manages": manages,
            "organises": organises,
            "staff": selectors.assignable_users(user) if manages else [],
            "assignment_kinds": AssignmentKind.choices,
        },
    )


def _back(edition: Edition) -> HttpResponse:
    return redirect("award:edition", pk=edition.pk)


@login_required
@require_POST
def weight(request: HttpRequest, pk: int, criterion: int) -> HttpResponse:
    edition = selectors.managed_edition(request.user, pk)
    item = get_object_or_404(Criterion, pk=criterion, category__edition=edition)

    def done() -> str:
        services.set_weight(
            actor=request.user, criterion=item, **valid_data(WeightForm(request.POST))
        )
        text = _("Weight of “%(criterion)s” set to %(weight)s.")
        return text % {"criterion": item.name, "weight": item.weight}

    return respond_to_write(request, done, _back(edition))


@login_required
@require_POST
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    edition = selectors.managed_edition(user, pk)

    def done() -> str:
        data = valid_data(EntryAddForm(request.POST))
        category = get_object_or_404(edition.categories, pk=data["category"])
        region = employer = None
        if data["region"]:
            region = Region.objects.for_actor(user).filter(code=data["region"]).first()
        else:
            employer = Employer.objects.for_actor(user).filter(npp=data["npp"]).first()
        if region is None and employer is None:
            raise AwardError(_("No region or employer with this code in your scope."))
        entry = services.add_entry(actor=user, category=category, region=region, employer=employer)
        text = _("%(name)s entered in %(category)s.")
        return text % {"name": entry.name, "category": category.name}

    return respond_to_write(request, done, _back(edition))


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    edition = selectors.managed_edition(user, pk)

    def done() -> str:
        data = valid_data(AssignForm(request.POST))
        entry = get_object_or_404(edition.entries, pk=data["entry"])
        staff = selectors.assignable_users(user)
        who = data["user"].strip()
        person = get_object_or_404(staff, pk=int(who)) if who.isdigit() else None
        person = person or get_object_or_404(staff, username=who)
        services.assign(actor=user, entry=entry, user=person, kind=data["kind"])
        text = _("%(user)s assigned to %(entry)s as %(kind)s.")
        kind = AssignmentKind(data["kind"]).label
        return text % {"user": person.username, "entry": entry.name, "kind": kind}

    return respond_to_write(request, done, _back(edition))


@login_required
@require_POST
def stage(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.managed_edition(request.user, pk)

    def done() -> str:
        services.advance_stage(actor=request.user, edition=edition)
        return _("Stage: %(stage)s.") % {"stage": edition.get_stage_display()}

    return respond_to_write(request, done, _back(edition))


def _start_job(request: HttpRequest, pk: int, start: Callable[..., Job]) -> HttpResponse:
    """Queue one of the edition's long writes and open the job's page (its result links to
    the edition or the run); a refusal (a job of the kind already active, results published)
    is a message on the edition page."""
    edition = selectors.managed_edition(request.user, pk)
    try:
        job = start(actor=request.user, edition=edition, request_id=request.request_id)
    except AwardError as exc:
        messages.error(request, str(exc))
        return _back(edition)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def freeze(request: HttpRequest, pk: int) -> HttpResponse:
    return _start_job(request, pk, runs.start_freeze)


@login_required
@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    return _start_job(request, pk, runs.start_compute)


@login_required
@require_POST
def finalise(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    edition = selectors.managed_edition(request.user, pk)
    run = get_object_or_404(edition.runs, number=number)

    def done() -> str:
        runs.finalise(actor=request.user, run=run)
        return _("Scoring run %(number)s is final.") % {"number": run.number}

    return respond_to_write(request, done, redirect("award:run", pk=edition.pk, number=run.number))


@login_required
@require_GET
def run(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = request.user
    run = selectors.run_for(user, pk, number)
    edition = run.edition
    results = list(selectors.visible_results(user, run))
    show_jurors = has_capability(user, Capability.MANAGE_AWARD) or has_capability(
        user, Capability.VIEW_AUDIT
    )
    names = selectors.user_names(presenters.people_in(results))
    altered = scoring.inputs_hash(run.inputs) != run.inputs_sha256
    same = runs.verify_run(run)
    manages = selectors.manages(user, edition)
    return render(
        request,
        "award/run.html",
        {
            "edition": edition,
            "run": run,
            "blocks": presenters.run_blocks(
                run,
                results,
                list(edition.categories.prefetch_related("criteria")),
                names,
                show_jurors,
            ),
            "same": same,
            "altered": altered,
            "can_finalise": manages and edition.stage == StageKind.JURY_DECISION and not run.final,
        },
    )


@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: the final ranking of a published edition (names of regions and companies, no
    personal data)."""
    edition = selectors.published_edition(pk)
    rows = selectors.final_results(edition).order_by("category_id", "rank", "entry__name")
    return render(
        request,
        "award/results.html",
        {"edition": edition, "groups": presenters.result_groups(rows)},
    )


@require_GET
def certificate(request: HttpRequest, pk: int, result: int) -> HttpResponse:
    """Public: the certificate (PDF) of a placed entry of a published edition."""
    edition = selectors.published_edition(pk)
    placed = selectors.winner_result(edition, result)
    reply = HttpResponse(certificates.render_pdf(placed), content_type="application/pdf")
    reply["Content-Disposition"] = f'inline; filename="piagam-paritrana-{edition.pk}-{result}.pdf"'
    return reply
