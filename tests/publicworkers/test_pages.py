"""The register's pages and API (issue 21): the body page's worklist and the API answer the same
rows for the same filter; sending the uncovered makes registration requests and names each
refusal; a village operator sees its own village government only; bad input is a 400."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.core.models import AuditLog, Job
from lindung.core.roles import Role
from lindung.publicworkers.audit import PublicWorkerAudit
from lindung.publicworkers.models import PayingBody, PublicWorker, ReconciliationStatus
from lindung.registrations.models import Registration
from lindung.registry.masking import mask_name
from tests.publicworkers.factories import BIRTH, covered, listed, village_government
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(region_tree):
    """Kedaton's village government: a covered head, two uncovered officials, an uncovered RT
    head; and Metro's, with one official."""
    from lindung.publicworkers.services import refresh_unchecked

    body = village_government(region_tree[OWN_VILLAGE])
    head = listed(body, 1, "village_head", honorarium=3_400_000)
    officials = [listed(body, n, "village_official") for n in (2, 3)]
    rt = listed(body, 4, "rt_rw_head")
    covered(head)
    foreign = village_government(region_tree[FOREIGN_VILLAGE])
    listed(foreign, 5, "village_official")
    refresh_unchecked(PublicWorker.objects.all())
    return {"body": body, "head": head, "officials": officials, "rt": rt, "foreign": foreign}


def body_url(body: PayingBody, **query: str) -> str:
    url = reverse("publicworkers:body", kwargs={"pk": body.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_rows(client, body: PayingBody, **query: str) -> set[str]:
    response = client.get(body_url(body, **query))
    assert response.status_code == 200
    return {w["pk"] for w in response.context["workers"]}


def api_rows(client, **query: str) -> set[int]:
    response = client.get(reverse("api:public-worker-list"), query)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "never"},
        {"status": "active"},
        {"category": "village_official"},
        {"category": "village_official", "status": "never"},
        {"q": "aparat"},
    ],
)
def test_the_page_and_the_api_answer_the_same_rows(client, make_user, register, query):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    body = register["body"]
    rows = page_rows(client, body, **query)
    assert rows == api_rows(client, body=str(body.pk), **query)
    assert rows  # every filter here matches someone


def test_the_api_masks_personal_data_and_keeps_to_the_area(client, make_user, register):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    rows = client.get(reverse("api:public-worker-list")).json()["results"]
    assert {r["body_code"] for r in rows} == {register["body"].code}
    head = next(r for r in rows if r["id"] == register["head"].pk)
    assert head["nik"] != register["head"].nik and head["nik"].startswith("18")
    assert head["name"] == mask_name(register["head"].name)
    assert head["status"] == ReconciliationStatus.ACTIVE and head["kpj"].startswith("*")


def test_the_coverage_api_counts_per_category(client, make_user, register):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    data = client.get(reverse("api:public-worker-coverage"), {"body": register["body"].pk}).json()
    by = {row["category"]: row for row in data["categories"]}
    assert (by["village_head"]["total"], by["village_head"]["covered"]) == (1, 1)
    assert (by["village_official"]["total"], by["village_official"]["covered"]) == (2, 0)
    assert data["total"]["total"] == 4 and data["total"]["not_covered"] == 3
    assert by["village_official"]["budget_needed"] > 0
    region = client.get(reverse("api:public-worker-coverage"), {"region": OWN_VILLAGE}).json()
    assert region["total"] == data["total"]


@pytest.mark.parametrize(
    "query",
    [
        {"date": "2025-13-01"},
        {"date": "0001-01-01"},
        {"date": "yesterday"},
        {"region": "18.7"},
        {"region": FOREIGN_VILLAGE},
        {"body": "x"},
        {"body": "99999999"},
        {"colour": "red"},
    ],
)
def test_bad_coverage_parameters_are_a_bad_request(client, make_user, register, query):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    response = client.get(reverse("api:public-worker-coverage"), query)
    assert response.status_code == 400
    assert response.json()


def test_a_foreign_body_in_the_coverage_api_is_a_bad_request(client, make_user, register):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    response = client.get(reverse("api:public-worker-coverage"), {"body": register["foreign"].pk})
    assert response.status_code == 400
    assert "outside your area" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"status": "asleep"},
        {"category": "astronaut"},
        {"q": "ab"},
        {"q": nik_for(OWN_VILLAGE, 1, BIRTH)},
    ],
)
def test_invalid_filters_are_a_bad_request_on_the_page_and_the_api(
    client, make_user, register, query
):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    body = register["body"]
    page = client.get(body_url(body), query)
    assert page.status_code == 400
    assert page.context["workers"] == []
    assert "filter-errors" in page.content.decode()
    api = client.get(reverse("api:public-worker-list"), {"body": body.pk, **query})
    assert api.status_code == 400


@pytest.mark.parametrize("query", [{"date": "2025-02-30"}, {"region": "abc"}, {"body": "-1"}])
def test_a_bad_overview_choice_is_a_bad_request(client, make_user, register, query):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    response = client.get(reverse("publicworkers:index"), query)
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()


def test_the_overview_shows_the_area_and_a_region_outside_it_is_404(client, make_user, register):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    response = client.get(reverse("publicworkers:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert register["body"].code in body and register["foreign"].code not in body
    totals = {r["category"]: r["total"] for r in response.context["rows"]}
    assert totals["village_official"] == 2
    on_day = client.get(reverse("publicworkers:index"), {"date": "2025-06-30"})
    assert on_day.status_code == 200
    assert {r["category"]: r["total"] for r in on_day.context["rows"]} == totals
    assert client.get(reverse("publicworkers:index"), {"region": "18.72"}).status_code == 404


def test_a_village_operator_sees_only_its_own_village_government(client, make_user, register):
    client.force_login(make_user(Role.VILLAGE_OPERATOR, scope=[OWN_VILLAGE]))
    own, foreign = register["body"], register["foreign"]
    index = client.get(reverse("publicworkers:index"))
    assert index.status_code == 302 and index["Location"] == body_url(own)
    assert client.get(body_url(own)).status_code == 200
    assert client.get(body_url(foreign)).status_code == 404
    for name in ("worker-add", "send", "reconcile", "budget"):
        url = reverse(f"publicworkers:{name}", kwargs={"pk": foreign.pk})
        assert client.post(url, {"which": "filtered"}).status_code == 404, name
    detail = reverse("api:public-worker-detail", kwargs={"pk": foreign.workers.get().pk})
    assert client.get(detail).status_code == 404
    assert not Registration.objects.exists()


def test_a_village_operator_opens_its_register_on_first_visit(client, make_user, region_tree):
    client.force_login(make_user(Role.VILLAGE_OPERATOR, scope=[OWN_VILLAGE]))
    index = client.get(reverse("publicworkers:index"))
    assert index.status_code == 200 and "open-own-body" in index.content.decode()
    assert not PayingBody.objects.exists()  # a GET writes nothing
    response = client.post(reverse("publicworkers:own-body"))
    body = PayingBody.objects.get(code=f"DESA-{OWN_VILLAGE}")
    assert response["Location"] == body_url(body)
    assert AuditLog.objects.filter(action=PublicWorkerAudit.BODY).count() == 1
    client.post(reverse("publicworkers:own-body"))
    assert PayingBody.objects.count() == 1
    assert AuditLog.objects.filter(action=PublicWorkerAudit.BODY).count() == 1


def test_sending_the_uncovered_makes_registration_requests(client, make_user, register):
    client.force_login(make_user(Role.VILLAGE_OPERATOR, scope=[OWN_VILLAGE]))
    body = register["body"]
    response = client.post(
        reverse("publicworkers:send", kwargs={"pk": body.pk}),
        {"which": "filtered", "category": "village_official"},
        follow=True,
    )
    assert response.status_code == 200
    sent = Registration.objects.filter(nik__in=[w.nik for w in register["officials"]])
    assert sent.count() == 2 and {r.segment for r in sent} == {"PU"}
    assert {r.employer_id for r in sent} == {body.employer_id}
    assert "2 persons sent" in response.content.decode() or "2 orang" in response.content.decode()
    assert not Registration.objects.filter(nik=register["rt"].nik).exists()  # not in the filter
    for worker in register["officials"]:
        worker.refresh_from_db()
        assert worker.registration is not None
    # Open requests are skipped the next time: nothing new.
    client.post(reverse("publicworkers:send", kwargs={"pk": body.pk}), {"which": "filtered",
                "category": "village_official"})  # fmt: skip
    assert Registration.objects.count() == 2
    # The page shows each request's reference.
    page = client.get(body_url(body, category="village_official")).content.decode()
    assert all(r.reference in page for r in sent)


def test_sending_the_ticked_rows_and_a_refusal_with_its_reason(client, make_user, region_tree):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    body = village_government(region_tree[OWN_VILLAGE], with_npp=False)
    official = listed(body, 11, "village_official")
    rt, other = listed(body, 12, "rt_rw_head"), listed(body, 13, "rt_rw_head")
    response = client.post(
        reverse("publicworkers:send", kwargs={"pk": body.pk}),
        {"which": "checked", "worker": [official.pk, rt.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert Registration.objects.filter(nik=rt.nik, segment="BPU").exists()
    assert not Registration.objects.filter(nik__in=[official.nik, other.nik]).exists()
    assert "NPP" in text and mask_name(official.name) in text  # the refusal, with its reason
    nothing = client.post(
        reverse("publicworkers:send", kwargs={"pk": body.pk}), {"which": "checked"}, follow=True
    )
    assert "Centang" in nothing.content.decode()


def test_the_branch_reads_but_does_not_keep_the_register(client, make_user, register):
    client.force_login(make_user(Role.BPJS_BRANCH))
    body = register["body"]
    page = client.get(body_url(body))
    assert page.status_code == 200 and "send-form" in page.content.decode()
    assert "send-uncovered" not in page.content.decode()
    url = reverse("publicworkers:send", kwargs={"pk": body.pk})
    assert client.post(url, {"which": "filtered"}).status_code == 403


def test_reconcile_now_starts_a_job_and_shows_its_page(client, make_user, register, settings):
    settings.LINDUNG_JOBS_INLINE = True
    client.force_login(make_user(Role.REGENCY_OFFICER))
    body = register["body"]
    response = client.post(reverse("publicworkers:reconcile", kwargs={"pk": body.pk}))
    job = Job.objects.get(kind="publicworkers.reconcile")
    assert response["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.arguments == {"region": OWN_VILLAGE} and job.state == "done"


def test_a_worker_by_hand_and_a_budget_line(client, make_user, register):
    client.force_login(make_user(Role.VILLAGE_OPERATOR, scope=[OWN_VILLAGE]))
    body = register["body"]
    add = reverse("publicworkers:worker-add", kwargs={"pk": body.pk})
    assert client.get(add).status_code == 200
    data = {
        "nik": nik_for(OWN_VILLAGE, 20, BIRTH), "name": "Kader Baru", "sex": "F",
        "birth_date": BIRTH.isoformat(), "category": "posyandu_cadre", "honorarium": "500.000",
        "budget_source": "DanaDesa", "village_code": OWN_VILLAGE, "listed_from": "2025-01-01",
    }  # fmt: skip
    assert client.post(add, {**data, "nik": "123"}).status_code == 400
    assert client.post(add, {**data, "honorarium": "lima ratus"}).status_code == 400
    assert client.post(add, data).status_code == 302
    worker = PublicWorker.objects.get(nik=data["nik"])
    assert worker.honorarium == 500_000 and worker.reconciled_on is not None
    budget = reverse("publicworkers:budget", kwargs={"pk": body.pk})
    client.post(budget, {"category": "village_official", "fiscal_year": "2025",
                         "planned": "1.872.000", "realised": ""})  # fmt: skip
    line = body.budget_lines.get()
    assert (line.planned, line.realised, line.fiscal_year) == (1_872_000, 0, 2025)
    refused = client.post(budget, {"category": "village_official", "fiscal_year": "1999",
                                   "planned": "1"}, follow=True)  # fmt: skip
    assert body.budget_lines.count() == 1 and refused.status_code == 200


def test_a_confirmed_request_awaiting_its_first_month_is_not_sent_again(
    client, make_user, register
):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    body = register["body"]
    url = reverse("publicworkers:send", kwargs={"pk": body.pk})
    client.post(url, {"which": "filtered"})
    assert Registration.objects.count() == 3
    # The branch confirmed them (the registry membership starts with the first month).
    Registration.objects.update(status="confirmed")
    page = client.get(body_url(body))
    assert page.context["uncovered"] == 0 and "send-uncovered" not in page.content.decode()
    assert all(
        w["starts"] and not w["sendable"] for w in page.context["workers"] if not w["covered"]
    )
    client.post(url, {"which": "filtered"})
    assert Registration.objects.count() == 3


def test_a_bad_coverage_day_on_the_body_page_is_a_bad_request(client, make_user, register):
    client.force_login(make_user(Role.REGENCY_OFFICER))
    response = client.get(body_url(register["body"]), {"date": "2025-02-30"})
    assert response.status_code == 400 and "day-errors" in response.content.decode()
    ok = client.get(body_url(register["body"]), {"date": "2025-06-30"})
    assert ok.status_code == 200


@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31"])
def test_coverage_on_the_edges_of_the_date_range_is_answered(client, make_user, register, day):
    client.force_login(make_user(Role.ADMIN))
    response = client.get(reverse("api:public-worker-coverage"), {"date": day, "region": "99"})
    assert response.status_code == 200
    assert response.json()["total"]["total"] == 0
    response = client.get(reverse("api:public-worker-coverage"), {"date": day})
    assert response.status_code == 200
    expected = 0 if day.startswith("1900") else 5
    assert response.json()["total"]["total"] == expected


def test_a_regency_sets_its_own_rule_and_its_register_is_priced_again(
    client, make_user, region_tree
):
    body = village_government(region_tree["18.71.01.1003"])
    worker = listed(body, 1, "rt_rw_head", honorarium=500_000)
    client.force_login(make_user("regency_officer"))
    page = client.get(reverse("publicworkers:rules"))
    assert page.status_code == 200 and page.context["regency"].code == "18.71"
    response = client.post(
        reverse("publicworkers:rules"),
        {"regency": "18.71", "category": "rt_rw_head", "segment": "BPU",
         "programmes": ["JKK", "JKM", "JHT"], "wage_basis": "fixed", "wage_amount": "1.000.000",
         "source": "Perwali contoh 2025", "confidence": "◐"},
    )  # fmt: skip
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.monthly_contribution > 16_800  # JHT added by the regency's own rule
    row = next(r for r in client.get(reverse("publicworkers:rules")).context["rows"]
               if r.category.code == "rt_rw_head")  # fmt: skip
    assert row.own is not None and row.own.source == "Perwali contoh 2025"
    # Without JKM the form refuses, with a message, and stores nothing.
    refused = client.post(
        reverse("publicworkers:rules"),
        {"regency": "18.71", "category": "bpd_member", "segment": "BPU", "programmes": ["JKK"],
         "wage_basis": "honorarium", "source": "x", "confidence": "✖"},
    )  # fmt: skip
    assert refused.status_code == 400 and "JKM" in refused.content.decode()


def test_category_labels_follow_the_page_language(client, make_user, region_tree):
    body = village_government(region_tree["18.71.01.1003"])
    listed(body, 1, "rt_rw_head")
    client.force_login(make_user("regency_officer"))
    url = reverse("publicworkers:body", args=[body.pk])
    assert "Ketua RT/RW" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Neighbourhood (RT/RW) head" in english and "Ketua RT/RW" not in english
