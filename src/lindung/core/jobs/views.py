"""The jobs page: what runs for the user (their own jobs; region staff also their regions'),
each with its progress; the one who started a job may cancel or retry it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from lindung.core.jobs import files, selectors, services
from lindung.core.models import JobState
from lindung.core.paging import filtered_page


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    listing, status = filtered_page(selectors.jobs_filtered(request.user, request.GET), request.GET)
    context = {**listing, "states": JobState.choices}
    return render(request, "jobs/list.html", context, status=status)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    context = {
        "job": job,
        "is_owner": job.owner_id == request.user.pk,
        "file_kept": files.stored_file(job) is not None,
    }
    return render(request, "jobs/detail.html", context)


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file the job made (an export, a report), for the one who started it."""
    job = selectors.job_for(request.user, pk)
    try:
        path = services.download(actor=request.user, job=job)
    except services.FileGone as exc:
        messages.error(request, str(exc))
        return redirect("jobs:detail", pk=job.pk)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=path.name,
        content_type=job.result.get("content_type") or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the job page while the job is queued or running."""
    job = selectors.job_for(request.user, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "percent": job.percent,
            "step": job.step,
            "error": job.error,
        }
    )


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    try:
        action(actor=request.user, job=job)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.cancel)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.retry)
