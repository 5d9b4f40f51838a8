"""Accepting a CSR matching from its page is a job of the worker: the page answers with the
job's page at once, the work reserves the workers as ``accept_run`` does and links back to the
matching, one acceptance per region at a time, and who may not match starts nothing; discarding
stays instant."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lindung.core.jobs.runtime import execute
from lindung.core.models import Job, JobState
from lindung.core.roles import Role
from lindung.programmes.models import FundedMonth, RunStatus, SelectionRun
from lindung.sponsorship.matching import run_matching
from lindung.sponsorship.models import MatchRun, MatchStatus, Pledge, PledgeStatus
from tests.sponsorship.factories import candidates, make_pledge, make_sponsor

pytestmark = [pytest.mark.usefixtures("rates"), pytest.mark.engine]
VILLAGE = "18.71.01.1003"


@pytest.fixture
def draft(region_tree):
    candidates(region_tree[VILLAGE], 3, welfare_decile=1)
    _s, site = make_sponsor(region_tree["18.71"], region_tree[VILLAGE])
    pledge = make_pledge(site, worker_count=2)
    return {"run": run_matching(actor=None, region=region_tree["18.71"]), "pledge": pledge}


@pytest.fixture
def officer(make_user):
    return make_user(Role.PROVINCE_OFFICER)


def decide(client, run: MatchRun, decision: str = "accept"):
    return client.post(reverse("sponsorship:match-decide", args=[run.pk]), {"decision": decision})


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_accepting_queues_a_job_and_shows_it(client, draft, officer):
    run = draft["run"]
    client.force_login(officer)
    response = decide(client, run)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.target, job.state) == ("sponsorship.accept", "18.71", "queued")
    assert job.task_path == "lindung.sponsorship.jobs.accept"
    assert job.owner == officer and job.arguments == {"run": run.pk}
    run.refresh_from_db()
    assert run.status == MatchStatus.DRAFT  # nothing ran in the request
    assert not FundedMonth.objects.exists()
    assert client.get(response.url).status_code == 200


def test_inline_the_job_reserves_the_workers_and_links_back(client, draft, officer, settings):
    settings.LINDUNG_JOBS_INLINE = True
    run, pledge = draft["run"], draft["pledge"]
    client.force_login(officer)
    response = decide(client, run)
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == JobState.DONE
    assert job.result["url"] == reverse("sponsorship:match", args=[run.pk])
    run.refresh_from_db()
    pledge.refresh_from_db()
    assert (run.status, run.assigned) == (MatchStatus.ACCEPTED, 2)
    assert pledge.status == PledgeStatus.MATCHED
    selection = SelectionRun.objects.get(programme=pledge.programme)
    assert (selection.status, selection.selected, selection.approved_by) == (
        RunStatus.APPROVED, 2, officer,
    )  # fmt: skip
    assert FundedMonth.objects.filter(programme=pledge.programme).count() == 2 * pledge.months
    page = client.get(response.url).content.decode()
    assert 'id="job-result"' in page
    assert client.get(job.result["url"]).status_code == 200


def test_a_second_acceptance_in_the_region_waits_for_the_first(client, draft, officer):
    client.force_login(officer)
    decide(client, draft["run"])
    second = decide(client, draft["run"])
    job = Job.objects.get()
    assert second.url == reverse("sponsorship:match", args=[draft["run"].pk])
    assert any(f"#{job.pk}" in t and "wait until it ends" in t for t in message_texts(second))
    assert Job.objects.count() == 1


def test_only_a_draft_is_accepted_and_no_job_starts(client, draft, officer):
    MatchRun.objects.filter(pk=draft["run"].pk).update(status=MatchStatus.DISCARDED)
    client.force_login(officer)
    response = decide(client, draft["run"])
    assert response.url == reverse("sponsorship:match", args=[draft["run"].pk])
    assert any("cannot be accepted" in t for t in message_texts(response))
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", [Role.REGENCY_OFFICER, Role.BPJS_BRANCH, Role.AUDITOR])
def test_who_may_not_match_starts_no_job(client, draft, make_user, role):
    client.force_login(make_user(role, scope=["18.71"]))
    assert decide(client, draft["run"]).status_code == 403
    assert not Job.objects.exists()
    draft["run"].refresh_from_db()
    assert draft["run"].status == MatchStatus.DRAFT


def test_discarding_stays_instant(client, draft, officer):
    client.force_login(officer)
    response = decide(client, draft["run"], "discard")
    assert response.url == reverse("sponsorship:match", args=[draft["run"].pk])
    draft["run"].refresh_from_db()
    assert draft["run"].status == MatchStatus.DISCARDED
    assert not Job.objects.exists()


def test_a_refusal_in_the_worker_ends_the_job_failed_with_its_reason(client, draft, officer):
    """The pledge was matched by another run between the click and the worker."""
    client.force_login(officer)
    decide(client, draft["run"])
    job = Job.objects.get()
    Pledge.objects.filter(pk=draft["pledge"].pk).update(status=PledgeStatus.MATCHED)
    assert execute(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert "is already matched" in job.error
    draft["run"].refresh_from_db()
    assert draft["run"].status == MatchStatus.DRAFT
