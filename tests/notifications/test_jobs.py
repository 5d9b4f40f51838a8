"""A finished job tells its owner (core's ``job_finished`` signal, connected by this app)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from lindung.core.jobs.runtime import JobFailed, execute, job_finished
from lindung.core.models import Job
from lindung.notifications.events import NotificationEvent
from lindung.notifications.models import Notification

pytestmark = pytest.mark.django_db


def work_import(*, job: Any, progress: Any) -> dict[str, Any]:
    return {"rows_imported": 199_990, "rows_rejected": 10}


def work_broken(*, job: Any, progress: Any) -> dict[str, Any]:
    raise JobFailed("Berkas rusak / The file is damaged")


def job_of(owner, work: str) -> Job:
    return Job.objects.create(
        kind="import.participants",
        target="peserta.csv",
        label="Impor peserta: peserta.csv",
        owner=owner,
        task_path=f"tests.notifications.test_jobs.{work}",
    )


def test_done_job_notifies_its_owner_with_the_reject_count(
    officer, django_capture_on_commit_callbacks
):
    job = job_of(officer, "work_import")
    with django_capture_on_commit_callbacks(execute=True):
        assert execute(job.pk) == "done"
    [n] = Notification.objects.filter(recipient=officer)
    assert n.event == NotificationEvent.JOB_DONE
    assert "Baris ditolak: 10" in n.body_id and "Rows rejected: 10" in n.body_en
    assert n.url == f"/tugas/{job.pk}/"
    # The e-mail goes out at once (the worker is no web request).
    [message] = mail.outbox
    assert message.subject == "Pekerjaan selesai: Impor peserta: peserta.csv"
    # The signal again (a second worker, a replay): still one notice.
    job.refresh_from_db()
    job_finished.send(sender=Job, job=job)
    assert Notification.objects.filter(recipient=officer).count() == 1


def test_failed_job_notifies_with_the_reason(officer):
    job = job_of(officer, "work_broken")
    assert execute(job.pk) == "failed"
    [n] = Notification.objects.filter(recipient=officer)
    assert n.event == NotificationEvent.JOB_FAILED
    assert "Alasan: Berkas rusak / The file is damaged" in n.body_id


def test_a_job_without_owner_notifies_nobody(officer):
    assert execute(job_of(None, "work_import").pk) == "done"
    assert not Notification.objects.exists()
