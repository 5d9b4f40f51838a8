from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lindung.core.audit import record_audit
from lindung.core.imports import kinds, runner
from lindung.core.imports.pipeline import start_job
from lindung.core.imports.reports import write_reject_report
from lindung.core.imports.selectors import import_job_for, import_jobs_for

ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx"}


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
        return upload


@login_required
def index(request: HttpRequest) -> HttpResponse:
    jobs = import_jobs_for(request.user)[:50]
    form = UploadForm(user=request.user)
    return render(request, "imports/index.html", {"jobs": jobs, "form": form})


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    jobs = import_jobs_for(request.user)[:50]  # refuses users who may import nothing
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return render(request, "imports/index.html", {"jobs": jobs, "form": form}, status=400)
    upload = form.cleaned_data["file"]
    folder = settings.VAR_DIR / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    importer = kinds.importer_for(form.cleaned_data["kind"])
    job = start_job(importer, path, actor=request.user)
    if job.file_name != upload.name:
        job.file_name = upload.name[:255]
        job.save(update_fields=["file_name"])
    runner.submit(importer, path, job, actor=request.user, request_id=request.request_id)
    return redirect("imports:detail", job_id=job.pk)


@login_required
def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "imports/detail.html", {"job": import_job_for(request.user, job_id)})


@login_required
def status(request: HttpRequest, job_id: int) -> JsonResponse:
    """Polled by the job page while the import runs."""
    job = import_job_for(request.user, job_id)
    return JsonResponse(job.counts() | {"rows_total": job.rows_total, "error": job.error})


@login_required
def rejects(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_for(request.user, job_id)
    out = io.StringIO()
    count = write_reject_report(job, out)
    record_audit(
        actor=request.user,
        action="import.reject_report",
        target=job,
        after={"rows": count},
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ditolak-{job.pk}.csv"'
    return response
