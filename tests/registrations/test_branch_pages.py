"""The branch's worklist: the requests of its area, masked, filtered by the shared FilterSet; an
officer checks a request after reading its warnings, or withdraws one; other areas are 404 and
other roles 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.core.models import AuditLog
from lindung.registrations.filters import RegistrationFilter, registrations_filtered
from lindung.registrations.models import Registration, Status
from tests.registrations.factories import submitted
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE


@pytest.fixture
def branch(region_tree, make_user):
    return make_user("bpjs_branch")  # scope 18.71


@pytest.fixture
def world(region_tree):
    own = region_tree[OWN_VILLAGE]
    return {
        "clean": submitted(own, 41, name="Sari Wulandari"),
        # A NIK that says "male" for a woman: a warning, so it waits for an officer's check.
        "warned": submitted(own, 42, sex="F", name="Dewi Anggraini"),
        "foreign": submitted(region_tree[FOREIGN_VILLAGE], 43, name="Asing Jauh Sekali"),
    }


def references(response) -> list[str]:
    body = response.content.decode()
    return [r for r in Registration.objects.values_list("reference", flat=True) if r in body]


def worklist(client, **params):
    return client.get(reverse("registrations:branch"), params)


def test_the_worklist_shows_the_area_masked_newest_first(client, branch, world):
    client.force_login(branch)
    response = worklist(client)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(world["warned"].reference) < body.index(world["clean"].reference)
    assert world["foreign"].reference not in body and "A*** J***" not in body
    assert "Sari Wulandari" not in body and "S*** W***" in body
    assert world["clean"].nik not in body
    assert world["warned"].warnings[0] in body  # the warning the officer is to read


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "submitted"}, ["warned"]),
        ({"status": "checked"}, ["clean"]),
        ({"channel": "self"}, ["warned", "clean"]),
        ({"channel": "employer"}, []),
        ({"within": "18.71.01"}, ["warned", "clean"]),
        ({"within": "18.72"}, []),
    ],
)
def test_filters(client, branch, world, params, expected):
    client.force_login(branch)
    response = worklist(client, **params)
    assert response.status_code == 200
    assert references(response) == [world[key].reference for key in expected]
    if not expected:
        assert (
            "Tidak ada permohonan pendaftaran yang cocok dengan saringan ini."
            in response.content.decode()
        )


def test_a_reference_search_takes_any_case_and_part(client, branch, world):
    client.force_login(branch)
    reference = world["clean"].reference
    for query in (reference, reference.lower(), reference[4:9], f" {reference} "):
        assert references(worklist(client, q=query)) == [reference], query


@pytest.mark.parametrize(
    "params",
    [{"within": "18.7"}, {"status": "sent-ish"}, {"q": "1871011705880041"}, {"q": "<script>"}],
)
def test_a_bad_filter_is_a_400_with_its_message_never_a_list(client, branch, world, params):
    client.force_login(branch)
    response = worklist(client, **params)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="filter-errors"' in body and references(response) == []


def test_the_empty_state_is_in_words(client, make_user, region_tree):
    client.force_login(make_user("bpjs_branch"))
    body = worklist(client).content.decode()
    assert "Belum ada permohonan pendaftaran di wilayah Anda." in body
    assert "Tidak ada permohonan berstatus diperiksa yang menunggu berkas pendaftaran." in body


def test_an_officer_checks_a_request_after_reading_its_warnings(client, branch, world):
    client.force_login(branch)
    url = reverse("registrations:branch-check", args=[world["warned"].pk])
    response = client.post(url, {"status": "submitted", "halaman": "1"})
    assert response.status_code == 302
    assert response.url == reverse("registrations:branch") + "?status=submitted&halaman=1"
    world["warned"].refresh_from_db()
    assert world["warned"].status == Status.CHECKED
    assert AuditLog.objects.filter(action="registrations.check").count() == 1
    # Checked already: refused with a message, nothing audited.
    again = client.post(url)
    assert again.status_code == 302
    assert AuditLog.objects.filter(action="registrations.check").count() == 1
    assert any("not possible" in str(m) for m in again.wsgi_request._messages)


def test_an_officer_withdraws_a_request(client, branch, world):
    client.force_login(branch)
    response = client.post(reverse("registrations:branch-withdraw", args=[world["clean"].pk]))
    assert response.status_code == 302
    world["clean"].refresh_from_db()
    assert world["clean"].status == Status.WITHDRAWN
    assert AuditLog.objects.filter(action="registrations.withdraw").count() == 1


@pytest.mark.parametrize("name", ["registrations:branch-check", "registrations:branch-withdraw"])
def test_another_areas_request_is_404(client, branch, world, name):
    client.force_login(branch)
    assert client.post(reverse(name, args=[world["foreign"].pk])).status_code == 404
    world["foreign"].refresh_from_db()
    assert world["foreign"].status == Status.CHECKED


@pytest.mark.parametrize("role", ["regency_officer", "village_operator", "employer", "auditor"])
def test_only_the_branch_and_administrators_process_requests(client, make_user, world, role):
    client.force_login(make_user(role))
    assert worklist(client).status_code == 403
    url = reverse("registrations:branch-withdraw", args=[world["clean"].pk])
    assert client.post(url).status_code == 403
    assert client.post(reverse("registrations:branch-file", args=["csv"])).status_code == 403
    world["clean"].refresh_from_db()
    assert world["clean"].status == Status.CHECKED


def test_the_filterset_is_the_page_and_the_files_one(branch, world):
    filterset = registrations_filtered(branch, {"status": "checked"})
    assert isinstance(filterset, RegistrationFilter) and filterset.is_valid()
    assert list(filterset.qs) == [world["clean"]]
