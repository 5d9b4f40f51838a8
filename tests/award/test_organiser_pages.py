"""The organiser's pages (issue 9): the edition overview and its writes (weights with a reason,
nominations, assignments, stages, frozen indicators, scoring runs, the final run), the run page's
audit and sensitivity, and the public results and certificates. Who gets which status on which
route is the access matrix's job (tests/award/routes_organiser.py); here the behaviour."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import resolve, reverse

from lindung.award import runs, services
from lindung.award.models import (
    Assignment,
    AssignmentKind,
    CategoryKind,
    Criterion,
    Entry,
    IndicatorValue,
    ScoringRun,
    StageKind,
)
from lindung.core.models import AuditLog, Job
from lindung.core.scope import SYSTEM
from tests.award.factories import (
    award_world,
    category,
    make_edition,
    move_to,
    play_round,
)
from tests.registry.factories import EmployerFactory, registry_world


@pytest.fixture
def world(region_tree, users_by_role):
    world = {"users": users_by_role, "regions": region_tree}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    return world


@pytest.fixture
def province(client, world):
    client.force_login(world["users"]["province_officer"])
    return client


def edition_url(world, name="award:edition", **kwargs):
    return reverse(name, kwargs={"pk": world["award_edition"].pk, **kwargs})


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def publish(world) -> ScoringRun:
    edition = world["award_edition"]
    run = runs.compute_run(actor=SYSTEM, edition=edition)
    move_to(edition, StageKind.JURY_DECISION)
    runs.finalise(actor=SYSTEM, run=run)
    services.advance_stage(actor=SYSTEM, edition=edition)
    return run


def test_home_shows_each_role_its_way_in(client, world):
    edition = world["award_edition"]
    client.force_login(world["users"]["regency_officer"])
    body = client.get(reverse("award:home")).content.decode()
    assert reverse("award:edition", args=[edition.pk]) in body
    assert reverse("award:entry", args=[world["own_entry"].pk]) in body
    assert "Kota Metro" not in body  # the foreign regency's entry
    client.force_login(world["users"]["award_verifier"])
    body = client.get(reverse("award:home")).content.decode()
    assert reverse("award:verifications") in body and reverse("award:jury") not in body
    # The rules of the round are open to its verifiers too.
    assert edition.name in body and reverse("award:edition", args=[edition.pk]) in body
    client.force_login(world["users"]["sponsor"])
    assert client.get(reverse("award:home")).status_code == 403
    client.logout()
    assert client.get(reverse("award:home")).status_code == 302


def test_edition_page_shows_stages_criteria_and_the_entries_in_scope(client, province, world):
    body = province.get(edition_url(world)).content.decode()
    assert 'id="current-stage"' in body and 'data-stage="self_assessment"' in body
    assert (
        body.count('class="d-flex gap-1 weight-form"')
        == Criterion.objects.filter(category__edition=world["award_edition"]).count()
    )
    for key in ("own_entry", "foreign_entry", "own_company_entry"):
        assert f'data-entry="{world[key].pk}"' in body
    # A regency office sees its own entry, no forms and no assignments.
    client.force_login(world["users"]["regency_officer"])
    body = client.get(edition_url(world)).content.decode()
    assert f'data-entry="{world["own_entry"].pk}"' in body
    assert f'data-entry="{world["foreign_entry"].pk}"' not in body
    assert "weight-form" not in body and 'id="assign-form"' not in body
    assert world["users"]["award_verifier"].username not in body


def test_weight_change_is_audited_with_its_reason(province, world):
    criterion = category(world["award_edition"], CategoryKind.REGENCY).criteria.get(code="coverage")
    url = edition_url(world, "award:weight", criterion=criterion.pk)
    response = province.post(url, {"weight": "25", "reason": ""})
    assert response.status_code == 302 and shown(response)  # the reason is required
    criterion.refresh_from_db()
    assert criterion.weight == Decimal(20)
    response = province.post(url, {"weight": "25", "reason": "cakupan lebih penting"})
    assert response.url == edition_url(world)
    criterion.refresh_from_db()
    assert criterion.weight == Decimal(25)
    audit = AuditLog.objects.get(action="award.criterion.weight")
    assert audit.reason == "cakupan lebih penting"
    assert audit.before["weight"] == "20.00" and audit.after["weight"] == "25.00"
    assert audit.actor == world["users"]["province_officer"]
    # A criterion of another edition is not found through this one.
    other = make_edition(world["regions"]["18"], name="Lain", year=2023)
    alien = other.categories.first().criteria.first()
    response = province.post(
        edition_url(world, "award:weight", criterion=alien.pk), {"weight": 1, "reason": "x"}
    )
    assert response.status_code == 404


def test_nominate_a_region_and_a_company(province, world):
    edition = world["award_edition"]
    village = category(edition, CategoryKind.VILLAGE)
    company = category(edition, CategoryKind.BUSINESS_LARGE)
    url = edition_url(world, "award:entry-add")
    response = province.post(url, {"category": village.pk, "region": "18.71.01.1004"})
    assert response.status_code == 302
    assert Entry.objects.filter(edition=edition, subject_region_id="18.71.01.1004").exists()
    employer = EmployerFactory(npp="BB0000003", village=world["regions"]["18.71.01.1004"])
    province.post(url, {"category": company.pk, "npp": "BB0000003"})
    assert Entry.objects.get(edition=edition, employer=employer).name == employer.name
    # The service's refusals come back as messages; a category of another edition is 404.
    response = province.post(url, {"category": village.pk, "region": "18.71"})
    assert "does not fit" in shown(response)[-1]
    response = province.post(url, {"category": village.pk, "region": "31.71"})
    assert "Tidak ada wilayah atau pemberi kerja" in shown(response)[-1]  # outside the scope
    assert Entry.objects.filter(edition=edition).count() == 8
    response = province.post(url, {"category": village.pk})
    assert shown(response)  # neither a region nor an NPP
    other = make_edition(world["regions"]["18"], name="Lain", year=2023)
    response = province.post(url, {"category": other.categories.first().pk, "region": "18.72"})
    assert response.status_code == 404


def test_assign_offers_only_verifiers_and_jurors(province, world, make_user):
    users, entry = world["users"], world["foreign_entry"]
    body = province.get(edition_url(world)).content.decode()
    select = body.split('id="assign-user"')[1].split("</select>")[0]
    assert users["award_verifier"].username in select and users["award_jury"].username in select
    assert users["auditor"].username not in select and users["admin"].username not in select
    url = edition_url(world, "award:assign")
    response = province.post(
        url, {"entry": entry.pk, "user": users["award_jury"].username, "kind": "juror"}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(entry=entry, user=users["award_jury"], kind="juror").exists()
    assert AuditLog.objects.filter(action="award.assign.juror").exists()
    # A juror is not a verifier: the service refuses, the page says so.
    response = province.post(
        url, {"entry": entry.pk, "user": users["award_jury"].pk, "kind": "verifier"}
    )
    assert "role does not fit" in shown(response)[-1]
    assert province.post(
        url, {"entry": entry.pk, "user": users["auditor"].pk, "kind": "verifier"}
    ).status_code == 404  # fmt: skip
    other = make_edition(world["regions"]["18"], name="Lain", year=2023)
    alien = services.add_entry(
        actor=SYSTEM,
        category=category(other, CategoryKind.REGENCY),
        region=world["regions"]["18.72"],
    )
    assert province.post(
        url, {"entry": alien.pk, "user": users["award_verifier"].pk, "kind": "verifier"}
    ).status_code == 404  # fmt: skip


def follow_job(client, response) -> str:
    """The result page of the job a POST started (run inline): the job page links to it."""
    job = Job.objects.get(pk=resolve(response.url).kwargs["pk"])
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == "done", job.error
    assert 'id="job-result"' in client.get(response.url).content.decode()
    return job.result["url"]


def test_freeze_compute_and_audit_from_the_pages(client, province, world, settings):
    settings.LINDUNG_JOBS_INLINE = True  # freezing and computing are jobs; here in the request
    play_round(world)
    edition = world["award_edition"]
    response = province.post(edition_url(world, "award:freeze"))
    assert follow_job(province, response) == edition_url(world)
    assert IndicatorValue.objects.filter(entry__edition=edition).count() > 0
    count = IndicatorValue.objects.filter(entry__edition=edition).count()
    assert f'data-values="{count}"' in province.get(edition_url(world)).content.decode()
    response = province.post(edition_url(world, "award:compute"))
    run = ScoringRun.objects.get(edition=edition)
    url = follow_job(province, response)
    assert url == edition_url(world, "award:run", number=run.number)
    body = province.get(url).content.decode()
    assert 'id="recompute" data-same="yes"' in body
    assert run.inputs_sha256 in body and 'id="formula-version">1<' in body
    own = run.results.get(entry=world["own_entry"])
    assert f'id="audit-{own.pk}"' in body
    assert world["users"]["award_verifier"].username in body  # who verified the answers
    assert world["users"]["award_jury"].username in body  # the organiser sees the jurors
    assert "stable-badge" in body
    regency = category(edition, CategoryKind.REGENCY)
    criteria = regency.criteria.count()
    block = body.split(f'data-category="{regency.pk}"')[1].split("</section>")[0]
    sensitivity = block.split('class="table table-sm small sensitivity"')[1].split("</table>")[0]
    assert sensitivity.count("<tr") == 1 + 2 * criteria  # header + each criterion × 0.9, 1.1
    # The branch reads the run of its region: its entries only, the jurors unnamed.
    client.force_login(world["users"]["bpjs_branch"])
    body = client.get(edition_url(world, "award:run", number=run.number)).content.decode()
    assert "Kota Bandar Lampung" in body and "Kota Metro" not in body
    assert world["users"]["award_jury"].username not in body
    assert "hidden-count" in body
    # Tampered inputs are caught on the page.
    ScoringRun.objects.filter(pk=run.pk).update(inputs={**run.inputs, "edition": 0})
    body = province.get(edition_url(world, "award:run", number=run.number)).content.decode()
    assert 'id="recompute" data-same="no"' in body


def test_stage_finalise_and_publish_from_the_pages(client, province, world, settings):
    settings.LINDUNG_JOBS_INLINE = True
    edition = world["award_edition"]
    province.post(edition_url(world, "award:compute"))
    finalise = edition_url(world, "award:finalise", number=1)
    response = province.post(finalise)
    assert "does not allow" in shown(response)[-1]  # not in the jury-decision stage
    for expected in ("verification", "interview", "jury_decision"):
        province.post(edition_url(world, "award:stage"))
        edition.refresh_from_db()
        assert edition.stage == expected
    response = province.post(edition_url(world, "award:stage"))
    assert "final scoring run" in shown(response)[-1]
    province.post(finalise)
    assert ScoringRun.objects.get(edition=edition, number=1).final
    province.post(edition_url(world, "award:stage"))
    edition.refresh_from_db()
    assert edition.stage == StageKind.PUBLISHED
    body = province.get(edition_url(world)).content.decode()
    assert reverse("award:results", args=[edition.pk]) in body and "weight-form" not in body


def test_results_are_404_until_published_then_public(client, world):
    play_round(world)
    edition = world["award_edition"]
    url = reverse("award:results", args=[edition.pk])
    client.force_login(world["users"]["province_officer"])
    assert client.get(url).status_code == 404  # organisers read runs, not results
    client.logout()
    assert client.get(url).status_code == 404
    run = publish(world)
    body = client.get(url).content.decode()
    own = run.results.get(entry=world["own_entry"])
    assert own.rank == 1
    assert f'<tr data-entry="{own.entry_id}" class="table-success winner">' in body
    assert reverse("award:certificate", args=[edition.pk, own.pk]) in body
    assert world["users"]["award_jury"].username not in body


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_certificate_pdf_of_a_placed_entry(client, world):
    play_round(world)
    edition = world["award_edition"]
    regency = category(edition, CategoryKind.REGENCY)
    regency.winners = 1
    regency.save()
    run = publish(world)
    first = run.results.get(entry=world["own_entry"])
    second = run.results.get(entry=world["foreign_entry"])
    assert second.rank == 2
    response = client.get(reverse("award:certificate", args=[edition.pk, first.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "PIAGAM PENGHARGAAN" in text and "Kota Bandar Lampung" in text
    assert "Peringkat I (Pertama)" in text and regency.name in text
    assert edition.name in text and "First place" in text
    assert client.get(reverse("award:certificate", args=[edition.pk, second.pk])).status_code == 404
    other = reverse("award:certificate", args=[edition.pk + 1000, first.pk])
    assert client.get(other).status_code == 404


def test_an_organiser_of_another_province_gets_404(client, world, make_user):
    stranger = make_user("province_officer", scope=["31"])
    client.force_login(stranger)
    run = runs.compute_run(actor=SYSTEM, edition=world["award_edition"])
    assert client.get(edition_url(world)).status_code == 404
    assert client.get(edition_url(world, "award:run", number=run.number)).status_code == 404
    criterion = Criterion.objects.filter(category__edition=world["award_edition"]).first()
    response = client.post(
        edition_url(world, "award:weight", criterion=criterion.pk), {"weight": 1, "reason": "x"}
    )
    assert response.status_code == 404
    assert client.post(edition_url(world, "award:compute")).status_code == 404
    assert ScoringRun.objects.count() == 1


def test_edition_page_queries_do_not_grow_with_entries(province, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert province.get(edition_url(world)).status_code == 200
        return len(captured)

    before = queries()
    edition, users = world["award_edition"], world["users"]
    village = category(edition, CategoryKind.VILLAGE)
    entry = services.add_entry(
        actor=SYSTEM, category=village, region=world["regions"]["18.71.01.1004"]
    )
    for user, kind in ((users["award_verifier"], AssignmentKind.VERIFIER),
                       (users["award_jury"], AssignmentKind.JUROR)):  # fmt: skip
        services.assign(actor=SYSTEM, entry=entry, user=user, kind=kind)
        services.assign(actor=SYSTEM, entry=world["foreign_entry"], user=user, kind=kind)
    assert queries() == before
