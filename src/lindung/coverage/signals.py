"""After an import, the months it touched are recomputed (issue 4 §2: only those months)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from lindung.core.i18n import bilingual
from lindung.core.imports.kinds import writes_memberships
from lindung.core.jobs import services as jobs
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

    def queue() -> None:
        # A job of its own (the worker's), after the import's rows are committed.
        jobs.submit(
            actor=instance.actor,
            kind="coverage.refresh",
            target=f"after-import:{instance.pk}",
            label=bilingual(
                f"Perbarui cakupan setelah impor #{instance.pk}",
                f"Refresh coverage after import #{instance.pk}",
            ),
            work="lindung.coverage.jobs.refresh_after_import",
            arguments={"since": instance.started_at.isoformat()},
        )

    transaction.on_commit(queue)
