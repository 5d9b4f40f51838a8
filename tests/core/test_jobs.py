"""Background jobs (core.jobs): the states a job goes through, one active job per target,
cancel and retry, jobs a dead worker left, schedules under a controlled clock, /healthz, and the
jobs page and API within the user's scope."""

from __future__ import annotations

import datetime as dt
import os
import socket

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lindung.core.jobs import schedules, services
from lindung.core.jobs.schedules import Schedule
from lindung.core.models import Job, JobState, ScheduleRun, WorkerBeat
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from tests.core import jobs_work

WORK = "tests.core.jobs_work."


@pytest.fixture
def inline(settings):
    settings.LINDUNG_JOBS_INLINE = True
    jobs_work.CALLS.clear()


def submit(work: str, target: str = "t", actor=None, **arguments) -> Job:
    job = services.submit(
        actor=actor, kind="test", target=target, label="Uji / test", work=WORK + work,
        arguments=arguments,
    )  # fmt: skip
    job.refresh_from_db()
    return job


def test_a_job_runs_to_done_with_its_result(db, inline) -> None:
    job = submit("succeed", value=21)
    assert (job.state, job.result, job.percent, job.attempts) == (
        JobState.DONE,
        {"value": 42},
        100,
        1,
    )
    assert job.started_at and job.finished_at and job.error == ""


def test_a_refused_job_fails_with_its_bilingual_reason(db, inline) -> None:
    job = submit("refuse")
    assert (
        job.state == JobState.FAILED
        and job.error == "berkas tidak terbaca / the file cannot be read"
    )


def test_a_crash_fails_the_job_without_its_detail(db, inline) -> None:
    job = submit("crash")
    assert job.state == JobState.FAILED
    assert "RuntimeError" in job.error and " / " in job.error
    assert "1871010101900003" not in job.error


def test_one_active_job_per_kind_and_target(db) -> None:
    first = submit("succeed", target="18.71")  # not inline: stays queued
    assert first.state == JobState.QUEUED
    with pytest.raises(services.JobBusy) as busy:
        submit("succeed", target="18.71")
    assert busy.value.job == first and "#" in str(busy.value)
    assert submit("succeed", target="18.72").state == JobState.QUEUED


def test_cancel_a_queued_job_and_stop_a_running_one(db, inline, make_user, settings) -> None:
    owner = make_user(Role.PROVINCE_OFFICER, scope=["18"])
    settings.LINDUNG_JOBS_INLINE = False
    queued = submit("succeed", actor=owner)
    services.cancel(actor=owner, job=queued)
    queued.refresh_from_db()
    assert queued.state == JobState.CANCELLED
    settings.LINDUNG_JOBS_INLINE = True
    stopped = submit("cancel_midway", target="other")
    assert stopped.state == JobState.CANCELLED and stopped.result == {}


def test_only_the_owner_or_an_admin_cancels_or_retries(db, make_user, settings) -> None:
    from django.core.exceptions import PermissionDenied

    owner = make_user(Role.PROVINCE_OFFICER, scope=["18"])
    other = make_user(Role.PROVINCE_OFFICER, scope=["18"])
    job = submit("succeed", actor=owner)
    with pytest.raises(PermissionDenied):
        services.cancel(actor=other, job=job)
    services.cancel(actor=make_user(Role.ADMIN), job=job)


def test_retry_runs_the_same_job_again(db, inline) -> None:
    job = submit("refuse")
    job.task_path = WORK + "succeed"
    job.save(update_fields=["task_path"])
    again = services.retry(actor=SYSTEM, job=job)
    assert (again.pk, again.state, again.attempts) == (job.pk, JobState.DONE, 2)
    with pytest.raises(ValueError):
        services.retry(actor=SYSTEM, job=again)


def _running(worker_id: str) -> Job:
    job = submit("succeed")
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, worker_id=worker_id)
    return job


def test_jobs_of_a_dead_worker_are_queued_again(db) -> None:
    now = timezone.now()
    here = socket.gethostname()
    alive = WorkerBeat.objects.create(
        worker_id="alive", hostname=here, pid=os.getpid(), seen_at=now
    )
    WorkerBeat.objects.create(worker_id="killed", hostname=here, pid=2**22 + 1, seen_at=now)
    WorkerBeat.objects.create(
        worker_id="silent", hostname="other-host", pid=1, seen_at=now - dt.timedelta(minutes=5)
    )
    kept = _running(alive.worker_id)
    killed = services.submit(actor=None, kind="test", target="k", label="k", work=WORK + "succeed")
    Job.objects.filter(pk=killed.pk).update(state=JobState.RUNNING, worker_id="killed")
    silent = services.submit(actor=None, kind="test", target="s", label="s", work=WORK + "succeed")
    Job.objects.filter(pk=silent.pk).update(state=JobState.RUNNING, worker_id="silent")
    assert sorted(services.recover_lost_jobs(now)) == sorted([killed.pk, silent.pk])
    states = dict(Job.objects.values_list("pk", "state"))
    assert states[kept.pk] == JobState.RUNNING
    assert states[killed.pk] == states[silent.pk] == JobState.QUEUED


MONTH_CLOSE = Schedule(
    name="test-close",
    cron="15 0 1 * *",
    work=WORK + "succeed",
    label="close",
    arguments={"value": 1},
)


def test_a_schedule_fires_once_per_due_time_under_a_controlled_clock(db, inline, settings) -> None:
    settings.LINDUNG_SCHEDULES = "tests.core.test_jobs.SCHEDULES"
    tz = timezone.get_current_timezone()
    assert schedules.run_due(dt.datetime(2026, 1, 20, 12, 0, tzinfo=tz)) == []  # starts counting
    assert schedules.run_due(dt.datetime(2026, 1, 31, 23, 0, tzinfo=tz)) == []
    assert schedules.run_due(dt.datetime(2026, 2, 1, 0, 20, tzinfo=tz)) == ["test-close"]
    assert schedules.run_due(dt.datetime(2026, 2, 2, 9, 0, tzinfo=tz)) == []  # once
    run = ScheduleRun.objects.filter(name="test-close").latest("due_at")
    assert timezone.localtime(run.due_at) == dt.datetime(2026, 2, 1, 0, 15, tzinfo=tz)
    assert run.job.state == JobState.DONE
    assert jobs_work.CALLS[-1]["due"].startswith("2026-02-01T00:15")
    # Two missed months (no worker): one run when the worker is back, not two.
    assert schedules.run_due(dt.datetime(2026, 4, 3, 8, 0, tzinfo=tz)) == ["test-close"]
    assert ScheduleRun.objects.filter(name="test-close").count() == 3


SCHEDULES = [MONTH_CLOSE]


def test_the_declared_schedules_name_real_work(db) -> None:
    from django.utils.module_loading import import_string

    names = [s.name for s in schedules.declared()]
    assert {"month-close", "monthly-bills", "nightly-compliance", "purge-uploads"} <= set(names)
    for schedule in schedules.declared():
        assert callable(import_string(schedule.work))
        assert schedule.next_due(timezone.now()) > timezone.now()


def test_healthz_needs_a_live_worker(client, db, settings) -> None:
    body = client.get("/healthz")
    assert body.status_code == 503 and body.json()["worker"]["alive"] is False
    assert body.json()["database"] == "ok" and body.json()["migrations"] == "ok"
    WorkerBeat.objects.create(worker_id="w", hostname="h", pid=1, seen_at=timezone.now())
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["worker"]["alive"] is True
    assert set(body["jobs"]) == set(JobState.values)
    WorkerBeat.objects.update(seen_at=timezone.now() - dt.timedelta(seconds=61))
    assert client.get("/healthz").status_code == 503
    settings.LINDUNG_HEALTH_WORKER = False
    assert client.get("/healthz").status_code == 200


def test_the_jobs_page_and_api_show_the_users_jobs(client, db, make_user) -> None:
    owner = make_user(Role.BPJS_BRANCH)
    other = make_user(Role.BPJS_BRANCH)
    mine = [submit("succeed", target=f"m{n}", actor=owner) for n in range(3)]
    theirs = submit("succeed", target="x", actor=other)
    client.force_login(owner)
    page = client.get(reverse("jobs:list"))
    assert {j.pk for j in page.context["page"].rows} == {j.pk for j in mine}
    api = APIClient()
    api.force_authenticate(owner)
    rows = api.get(reverse("api:job-list"), {"state": "queued"}).json()["results"]
    assert {r["id"] for r in rows} == {j.pk for j in mine}
    assert client.get(reverse("jobs:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("jobs:list"), {"state": "lost"}).status_code == 400
    assert api.get(reverse("api:job-list"), {"state": "lost"}).status_code == 400
    status = client.get(reverse("jobs:status", args=[mine[0].pk])).json()
    assert status["state"] == "queued" and status["percent"] == 0


def test_a_failing_listener_does_not_change_how_the_job_ended(db, inline, caplog) -> None:
    from lindung.core.jobs.runtime import job_finished

    def broken(**kwargs) -> None:
        raise RuntimeError("the mail server is down")

    job_finished.connect(broken, dispatch_uid="test-broken-listener")
    try:
        job = submit("succeed", value=1)
    finally:
        job_finished.disconnect(dispatch_uid="test-broken-listener")
    assert job.state == JobState.DONE and job.result == {"value": 2}
    assert "listener failed (RuntimeError)" in caplog.text


def test_the_jobs_command_lists_shows_retries_and_cancels(db, inline) -> None:
    import io
    import json

    from django.core.management import CommandError, call_command

    def jobs(*args: str) -> object:
        out = io.StringIO()
        call_command("jobs", *args, "--format", "json", stdout=out)
        return json.loads(out.getvalue())

    failed = submit("refuse")
    assert [row["id"] for row in jobs("list", "--state", "failed")] == [failed.pk]
    assert jobs("show", str(failed.pk))[0]["error"].endswith("the file cannot be read")
    again = jobs("retry", str(failed.pk))[0]
    assert again["state"] == "failed" and again["attempts"] == 2
    with pytest.raises(CommandError, match="tugas ini sudah selesai / this job has ended already"):
        call_command("jobs", "cancel", str(failed.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="unknown job: 999999"):
        call_command("jobs", "show", "999999", stdout=io.StringIO())
    names = {row["name"] for row in jobs("schedule")}
    assert {"month-close", "overdue-case-steps", "funding-ending"} <= names
