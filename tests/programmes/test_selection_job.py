"""A selection started from the programme page is a job of the worker: the page answers with the
job's page at once, the work makes the same run as ``run_selection`` and links to it, one
selection per programme at a time, and who may not select starts nothing."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lindung.core.jobs.runtime import execute
from lindung.core.models import Job, JobState
from lindung.core.roles import Role
from lindung.programmes.models import Decision, Programme, ProgrammeStatus, SelectionRun
from lindung.programmes.services.plans import move
from tests.programmes.factories import CandidateFactory, make_programme

pytestmark = pytest.mark.engine


@pytest.fixture
def programme(region_tree, rates):
    for _ in range(3):
        CandidateFactory(village=region_tree["18.71.01.1003"], welfare_decile=1)
    planned = make_programme(region_tree["18"], area=region_tree["18.71"], target_count=2)
    return move(actor=None, programme=planned, to=ProgrammeStatus.APPROVED)


@pytest.fixture
def officer(make_user):
    return make_user(Role.PROVINCE_OFFICER)


def start(client, programme: Programme):
    return client.post(reverse("programmes:select", args=[programme.pk]))


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_page_queues_the_selection_and_shows_the_job(client, programme, officer):
    client.force_login(officer)
    response = start(client, programme)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.target) == ("programmes.selection", str(programme.pk))
    assert job.state == JobState.QUEUED
    assert job.task_path == "lindung.programmes.jobs.selection"
    assert job.owner == officer and job.arguments == {"programme": programme.pk}
    assert not SelectionRun.objects.exists()  # nothing ran in the request
    assert client.get(response.url).status_code == 200


def test_inline_the_job_makes_the_run_and_links_to_it(client, programme, officer, settings):
    settings.LINDUNG_JOBS_INLINE = True
    client.force_login(officer)
    response = start(client, programme)
    run = SelectionRun.objects.get()
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == JobState.DONE
    assert job.result["url"] == reverse("programmes:run", args=[programme.pk, 1])
    assert (run.version, run.considered, run.selected, run.created_by) == (1, 3, 2, officer)
    assert Decision.objects.filter(run=run, selected=True).count() == 2
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.SELECTING
    page = client.get(response.url).content.decode()
    assert 'id="job-result"' in page and job.result["url"] in page
    assert client.get(job.result["url"]).status_code == 200


def test_a_second_selection_waits_for_the_first(client, programme, officer):
    client.force_login(officer)
    first = start(client, programme)
    second = start(client, programme)
    job = Job.objects.get()
    assert first.url == reverse("jobs:detail", args=[job.pk])
    assert second.url == reverse("programmes:detail", args=[programme.pk])
    assert any(f"#{job.pk}" in text and "wait until it ends" in text
               for text in message_texts(second))  # fmt: skip
    assert Job.objects.count() == 1


def test_a_programme_that_may_not_select_starts_nothing(client, region_tree, rates, officer):
    draft = make_programme(region_tree["18"], area=region_tree["18.71"])
    client.force_login(officer)
    response = start(client, draft)
    assert response.url == reverse("programmes:detail", args=[draft.pk])
    assert any("selection needs an approved programme" in t for t in message_texts(response))
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", [Role.BPJS_BRANCH, Role.AUDITOR, Role.VILLAGE_OPERATOR])
def test_who_may_not_select_starts_no_job(client, programme, make_user, role):
    client.force_login(make_user(role, scope=["18"]))
    assert start(client, programme).status_code == 403
    assert not Job.objects.exists()
    assert not SelectionRun.objects.exists()


def test_a_refusal_in_the_worker_ends_the_job_failed_with_its_reason(
    client, programme, officer, settings
):
    """The programme moved on between the click and the worker: the job says why."""
    client.force_login(officer)
    start(client, programme)
    job = Job.objects.get()
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)
    assert execute(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert "selection needs an approved programme" in job.error
    assert not SelectionRun.objects.exists()
