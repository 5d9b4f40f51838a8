from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from lindung.core.imports import kinds
from lindung.core.imports.filters import ImportJobFilter
from lindung.core.models import ImportJob, ImportRejection


def may_import(user: Any) -> bool:
    """Whether the user may upload at least one kind of file."""
    return bool(getattr(user, "is_authenticated", False) and kinds.choices_for(user))


def import_jobs_for(user: Any) -> QuerySet[ImportJob]:
    """Jobs the user started (admins: all). Rejections hold no unmasked personal data."""
    if not may_import(user):
        raise PermissionDenied
    return ImportJob.objects.for_actor(user)


def import_jobs_filtered(user: Any, params: Mapping[str, Any]) -> ImportJobFilter:
    """The jobs as the imports page and the API filter them, newest first."""
    return ImportJobFilter(params, queryset=import_jobs_for(user).order_by("-pk"))


def import_job_for(user: Any, job_id: int) -> ImportJob:
    try:
        return import_jobs_for(user).get(pk=job_id)
    except ImportJob.DoesNotExist:
        raise Http404(job_id) from None


def rejected_rows(job: ImportJob) -> QuerySet[ImportRejection]:
    """The rejected rows of a job the caller was given by a scoped read (values stored masked),
    in file order."""
    return ImportRejection.objects.filter(job=job).order_by("line", "pk")
