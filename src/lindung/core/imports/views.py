from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from lindung.core.imports import kinds, services, uploads
from lindung.core.imports.reports import reject_report_download
from lindung.core.imports.selectors import (
    import_job_for,
    import_jobs_filtered,
    rejected_rows,
)
from lindung.core.loading import LoadError
from lindung.core.paging import filtered_page, paginate

ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx"}
# Room for the multipart envelope and the other fields around the file.
ENVELOPE_BYTES = 64 * 1024


def too_large_message() -> str:
    return gettext("The file is larger than %(limit)s; split it into smaller files.") % {
        "limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)
    }


class UploadSizeLimit(FileUploadHandler):
    """Stops taking an uploaded file once it passes ``IMPORT_MAX_UPLOAD_BYTES``: the rest of
    it is read and dropped, never written to disk."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.IMPORT_MAX_UPLOAD_BYTES:
            self.request.import_upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"))
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds.choices_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Only CSV or XLSX files can be imported."))
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload


@login_required
def index(request: HttpRequest) -> HttpResponse:
    listing, status = filtered_page(import_jobs_filtered(request.user, request.GET), request.GET)
    form = UploadForm(user=request.user)
    context = _context(listing["page"], form) | {"filter": listing["filter"]}
    return render(request, "imports/index.html", context, status=status)


def _context(jobs: Any, form: UploadForm) -> dict[str, Any]:
    return {"jobs": jobs, "form": form, "max_upload": settings.IMPORT_MAX_UPLOAD_BYTES}


@csrf_exempt  # checked by _upload, once the size limit is in place (Django's recipe)
@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    # The first page of jobs, shown again under a refused upload; refuses users who may
    # import nothing.
    jobs = paginate(import_jobs_filtered(request.user, {}).qs, {})
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > settings.IMPORT_MAX_UPLOAD_BYTES + ENVELOPE_BYTES:
        form = UploadForm({}, user=request.user)  # the body is not read at all
        form.is_valid()
        form.errors.clear()
        form.add_error(None, too_large_message())
        return render(request, "imports/index.html", _context(jobs, form), status=413)
    # (Once the body is read, handlers cannot change: the form still checks the size.)
    with contextlib.suppress(AttributeError):
        request.upload_handlers.insert(0, UploadSizeLimit(request))
    return _upload(request, jobs)


@csrf_protect
def _upload(request: HttpRequest, jobs: Any) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if getattr(request, "import_upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", too_large_message())
        return render(request, "imports/index.html", _context(jobs, form), status=413)
    if not form.is_valid():
        return render(request, "imports/index.html", _context(jobs, form), status=400)
    try:
        job = services.submit_upload(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            request_id=request.request_id,
        )
    except LoadError as exc:  # the same file is being imported now, or too large
        form.add_error("file", str(exc))
        return render(request, "imports/index.html", _context(jobs, form), status=409)
    return redirect("imports:detail", job_id=job.pk)


@login_required
def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_for(request.user, job_id)
    if uploads.fail_interrupted_jobs(job_id=job.pk):
        job.refresh_from_db()
    rejected = paginate(rejected_rows(job), request.GET)
    return render(request, "imports/detail.html", {"job": job, "rejected": rejected})


@login_required
def status(request: HttpRequest, job_id: int) -> JsonResponse:
    """Polled by the job page while the import runs."""
    job = import_job_for(request.user, job_id)
    if uploads.fail_interrupted_jobs(job_id=job.pk):
        job.refresh_from_db()
    return JsonResponse(job.counts() | {"rows_total": job.rows_total, "error": job.error})


@login_required
def rejects(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_for(request.user, job_id)
    out = io.StringIO()
    services.export_reject_report(actor=request.user, job=job, out=out)
    return reject_report_download(out.getvalue(), job)
