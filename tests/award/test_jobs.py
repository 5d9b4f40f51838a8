"""Freezing the indicators and computing a scoring run are jobs (``runs.start_freeze``,
``runs.start_compute``, ``award.jobs``): the organiser's POST queues them and opens the job's
page; the worker (here ``runtime.execute``, or the request itself with LINDUNG_JOBS_INLINE) runs
the synchronous service as that organiser. One job of each kind per edition at a time; a refusal
comes before a job exists."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lindung.award import runs
from lindung.award.models import IndicatorValue, ScoringRun, StageKind
from lindung.award.services import AwardError
from lindung.core.jobs.runtime import execute
from lindung.core.models import AuditLog, Job
from lindung.core.scope import SYSTEM
from tests.award.factories import award_world, play_round
from tests.registry.factories import registry_world


@pytest.fixture
def world(region_tree, users_by_role):
    world = {"users": users_by_role, "regions": region_tree}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    play_round(world)
    return world


@pytest.fixture
def province(client, world):
    client.force_login(world["users"]["province_officer"])
    return client


def url(world, name):
    return reverse(name, args=[world["award_edition"].pk])


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def frozen(world) -> int:
    return IndicatorValue.objects.filter(entry__edition=world["award_edition"]).count()


def test_freeze_is_queued_then_run_by_the_worker(province, world):
    response = province.post(url(world, "award:freeze"))
    job = Job.objects.get(kind="award.freeze")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.state, job.target, job.owner) == (
        "queued",
        str(world["award_edition"].pk),
        world["users"]["province_officer"],
    )
    assert job.province_code == "18" and job.arguments == {"edition": world["award_edition"].pk}
    assert frozen(world) == 0  # nothing runs in the request
    assert not AuditLog.objects.filter(action="award.indicators.freeze").exists()
    assert province.get(response.url).status_code == 200
    # The worker runs it as the organiser who started it.
    assert execute(job.pk) == "done"
    job.refresh_from_db()
    assert job.result["url"] == url(world, "award:edition")
    assert job.result["values"] == frozen(world) > 0
    audit = AuditLog.objects.get(action="award.indicators.freeze")
    assert audit.actor == world["users"]["province_officer"]
    assert audit.after["values"] == job.result["values"]


def test_inline_freeze_and_compute_end_done_like_the_services(province, world, settings):
    settings.LINDUNG_JOBS_INLINE = True
    response = province.post(url(world, "award:freeze"))
    job = Job.objects.get(kind="award.freeze")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.state, job.result["url"]) == ("done", url(world, "award:edition"))
    # The same values as the synchronous service writes (it replaces them all).
    assert (
        job.result["values"]
        == frozen(world)
        == runs.freeze_indicators(actor=SYSTEM, edition=world["award_edition"])
    )
    response = province.post(url(world, "award:compute"))
    job = Job.objects.get(kind="award.compute")
    run = ScoringRun.objects.get(edition=world["award_edition"])
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == "done" and job.result["run"] == run.number == 1
    assert job.result["url"] == reverse(
        "award:run", kwargs={"pk": world["award_edition"].pk, "number": 1}
    )
    assert run.computed_by == world["users"]["province_officer"] and runs.verify_run(run)
    again = runs.compute_run(actor=SYSTEM, edition=world["award_edition"])
    assert again.inputs_sha256 == run.inputs_sha256  # the same inputs as the synchronous call
    assert 'id="job-result"' in province.get(response.url).content.decode()
    assert province.get(job.result["url"]).status_code == 200


@pytest.mark.parametrize("name", ["award:freeze", "award:compute"])
def test_a_second_start_is_refused_while_one_is_queued(province, world, name):
    first = province.post(url(world, name))
    job = Job.objects.get()
    assert first.url == reverse("jobs:detail", args=[job.pk])
    response = province.post(url(world, name))
    assert response.url == url(world, "award:edition")
    assert f"#{job.pk}" in shown(response)[-1] and "running already" in shown(response)[-1]
    assert Job.objects.count() == 1
    # The other kind is a different job: it may be queued beside it.
    other = "award:compute" if name == "award:freeze" else "award:freeze"
    province.post(url(world, other))
    assert Job.objects.count() == 2
    with pytest.raises(AwardError, match="sedang berjalan"):
        start = runs.start_freeze if name == "award:freeze" else runs.start_compute
        start(actor=world["users"]["province_officer"], edition=world["award_edition"])


@pytest.mark.parametrize("role", ["regency_officer", "bpjs_branch", "auditor", "award_jury"])
def test_without_the_capability_no_job_is_created(client, world, role):
    client.force_login(world["users"][role])
    for name in ("award:freeze", "award:compute"):
        assert client.post(url(world, name)).status_code == 403
    with pytest.raises(PermissionDenied):
        runs.start_freeze(actor=world["users"][role], edition=world["award_edition"])
    with pytest.raises(PermissionDenied):
        runs.start_compute(actor=world["users"][role], edition=world["award_edition"])
    assert not Job.objects.exists()


def test_a_published_edition_is_refused_before_and_inside_the_job(province, world):
    edition = world["award_edition"]
    job = runs.start_compute(actor=world["users"]["province_officer"], edition=edition)
    type(edition).objects.filter(pk=edition.pk).update(stage=StageKind.PUBLISHED)
    # Published while it waited: the work refuses it with the service's reason.
    assert execute(job.pk) == "failed"
    job.refresh_from_db()
    assert "the results are published" in job.error and not ScoringRun.objects.exists()
    response = province.post(url(world, "award:freeze"))
    assert "the results are published" in shown(response)[-1]
    assert Job.objects.count() == 1


def test_the_work_checks_the_capability_again_as_its_owner(world):
    officer = world["users"]["province_officer"]
    job = runs.start_freeze(actor=officer, edition=world["award_edition"])
    officer.role = "auditor"  # reads the province's edition, may no longer manage it
    officer.save()
    assert execute(job.pk) == "failed"
    job.refresh_from_db()
    assert "no longer manage" in job.error and frozen(world) == 0
