"""Sponsor portal and views: a sponsor reads nothing of another sponsor; pledging, matching
and acceptance through the pages; certificate and overview render."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.core.models import Job
from lindung.core.roles import Role
from lindung.registry.masking import mask_nik
from lindung.sponsorship import selectors
from lindung.sponsorship.matching import accept_run, run_matching
from lindung.sponsorship.models import Assignment, MatchRun, Pledge
from tests.sponsorship.factories import candidates, make_pledge, make_sponsor, sponsor_org

pytestmark = [pytest.mark.usefixtures("rates"), pytest.mark.engine]
VILLAGE = "18.71.01.1003"


@pytest.fixture
def two_sponsors(region_tree, make_user):
    regions = region_tree
    workers = candidates(regions[VILLAGE], 4, welfare_decile=1)
    out = {}
    for side in ("a", "b"):
        org = sponsor_org(f"PT {side}", regions["18.71"])
        _s, site = make_sponsor(regions["18.71"], regions[VILLAGE], name=f"PT {side}",
                                organisation=org)  # fmt: skip
        out[side] = {
            "user": make_user(Role.SPONSOR, organisation=org),
            "pledge": make_pledge(site, title=f"Janji sponsor {side.upper()}", worker_count=2),
            "site": site,
        }
    accept_run(actor=None, run=run_matching(actor=None, region=regions["18.71"]))
    out["workers"] = workers
    return out


def test_sponsor_reads_nothing_of_another(client, two_sponsors):
    a, b = two_sponsors["a"], two_sponsors["b"]
    assert list(selectors.pledges_for(a["user"])) == [a["pledge"]]
    assert {x.pledge_id for x in Assignment.objects.for_actor(a["user"])} == {a["pledge"].pk}
    assert not MatchRun.objects.for_actor(a["user"]).exists()
    assert list(selectors.sites_for(a["user"])) == [a["site"]]
    client.force_login(a["user"])
    for name in ("sponsorship:pledge", "sponsorship:impact", "sponsorship:certificate"):
        assert client.get(reverse(name, args=[b["pledge"].pk])).status_code == 404
        assert client.get(reverse(name, args=[a["pledge"].pk])).status_code == 200
    home = client.get(reverse("sponsorship:home")).content.decode()
    assert "Janji sponsor A" in home and "Janji sponsor B" not in home
    api = client.get(reverse("sponsorship:api-pledges")).json()["results"]
    assert [r["title"] for r in api] == ["Janji sponsor A"]
    page = client.get(reverse("sponsorship:pledge", args=[a["pledge"].pk])).content.decode()
    mine = set(
        Assignment.objects.filter(pledge=a["pledge"]).values_list("candidate__nik", flat=True)
    )
    others = {w.nik for w in two_sponsors["workers"]} - mine
    assert len(mine) == 2
    for nik in mine:
        assert mask_nik(nik) in page and nik not in page
    for nik in others:
        assert nik not in page
    # A sponsor cannot pledge from another sponsor's site.
    response = client.post(
        reverse("sponsorship:pledge-create"),
        {"site": b["site"].pk, "title": "x", "start_month": "2025-08-01", "months": 3,
         "worker_count": 1, "radius_km": 5},
    )  # fmt: skip
    assert response.status_code == 400


def test_pledge_match_accept_through_pages(client, region_tree, make_user, settings):
    settings.LINDUNG_JOBS_INLINE = True  # matching and acceptance are jobs; here they run inline
    regions = region_tree
    candidates(regions[VILLAGE], 3, welfare_decile=2)
    org = sponsor_org("PT Lada", regions["18.71"])
    _s, site = make_sponsor(regions["18.71"], regions[VILLAGE], name="PT Lada", organisation=org)
    sponsor = make_user(Role.SPONSOR, organisation=org)
    client.force_login(sponsor)
    response = client.post(
        reverse("sponsorship:pledge-create"),
        {"site": site.pk, "title": "Lada", "start_month": "2025-09-01", "months": 4,
         "worker_count": 2, "radius_km": 20},
    )  # fmt: skip
    assert response.status_code == 302
    pledge = Pledge.objects.get(title="Lada")
    province = make_user(Role.PROVINCE_OFFICER)
    client.force_login(province)
    response = client.post(reverse("sponsorship:matches"), {"region": "18.71"})
    run = MatchRun.objects.get()
    job = Job.objects.get(kind="sponsorship.match")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.state, job.result["url"]) == ("done", reverse("sponsorship:match", args=[run.pk]))
    job_page = client.get(response.url).content.decode()
    assert 'id="job-result"' in job_page
    assert client.get(job.result["url"]).status_code == 200
    # Accepting is a job too: its page links back to the matching.
    response = client.post(
        reverse("sponsorship:match-decide", args=[run.pk]), {"decision": "accept"}
    )
    accept = Job.objects.get(kind="sponsorship.accept")
    assert response.url == reverse("jobs:detail", args=[accept.pk])
    assert (accept.state, accept.result["url"]) == ("done", job.result["url"])
    run.refresh_from_db()
    assert run.status == "accepted" and run.assigned == 2
    overview = client.get(reverse("sponsorship:overview"))
    assert overview.status_code == 200 and b'class="site"' in overview.content
    assert b'class="funded"' in overview.content
    client.force_login(sponsor)
    impact = client.get(reverse("sponsorship:impact", args=[pledge.pk])).content.decode()
    assert 'id="workers-matched">2<' in impact
    pdf = client.get(reverse("sponsorship:certificate", args=[pledge.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
