"""After an import, the months it touched are recomputed (issue 4 §2: only those months)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from lindung.core.imports.kinds import writes_memberships
from lindung.core.models import ImportJob, ImportState


@receiver(post_save, sender=ImportJob, dispatch_uid="coverage_refresh_after_import")
def refresh_after_registry_import(sender: type, instance: ImportJob, **kwargs: Any) -> None:
    if (
        instance.state != ImportState.DONE
        or not writes_memberships(instance.kind)
        or not instance.rows_imported
        or not settings.COVERAGE_REFRESH_AFTER_IMPORT
    ):
        return

    def run() -> None:
        from lindung.coverage.services import refresh_after_import

        refresh_after_import(instance.started_at, actor=instance.actor)

    transaction.on_commit(run)
