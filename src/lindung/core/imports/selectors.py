from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from lindung.core.models import ImportJob
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability


def import_jobs_for(user: Any) -> QuerySet[ImportJob]:
    """Jobs the user started (admins: all). Rejections hold no unmasked personal data."""
    require_capability(user, Capability.IMPORT_REGISTRY)
    return ImportJob.objects.for_actor(user)


def import_job_for(user: Any, job_id: int) -> ImportJob:
    try:
        return import_jobs_for(user).get(pk=job_id)
    except ImportJob.DoesNotExist:
        raise Http404(job_id) from None
