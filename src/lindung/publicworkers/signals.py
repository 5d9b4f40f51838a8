"""After an import that changes memberships (a BPJS extract, the branch's confirmations), the
register is reconciled again, in a job of its own: that is how a confirmed registration shows
as covered (issue 21 §3)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from lindung.core.i18n import bilingual
from lindung.core.imports.kinds import writes_memberships
from lindung.core.jobs import services as jobs
from lindung.core.models import ImportJob, ImportState


@receiver(post_save, sender=ImportJob, dispatch_uid="publicworkers_reconcile_after_import")
def reconcile_after_import(sender: type, instance: ImportJob, **kwargs: Any) -> None:
    if (
        instance.state != ImportState.DONE
        or not writes_memberships(instance.kind)
        or not instance.rows_imported
    ):
        return

    def queue() -> None:
        jobs.submit(
            actor=None,  # the whole register: the registry changed for everyone
            kind="publicworkers.reconcile",
            target=f"after-import:{instance.pk}",
            label=bilingual(
                f"Rekonsiliasi pekerja sektor publik setelah impor #{instance.pk}",
                f"Reconcile public-sector workers after import #{instance.pk}",
            ),
            work="lindung.publicworkers.jobs.reconcile_all",
            arguments={},
        )

    transaction.on_commit(queue)
