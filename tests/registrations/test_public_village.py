"""Registration on a person's behalf at /pendaftaran/desa/: a village operator registers in its
own village only, an officer anywhere in its area; below the form, the area's requests, masked
and paged, filtered by status."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from lindung.core.paging import PAGE_SIZE
from lindung.registrations.forms.public import CONSENT_TEXT_VERSION
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registry.masking import mask_name
from tests.registrations.factories import submitted
from tests.registrations.routes_public import registration_data
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE

URL = "/pendaftaran/desa/"
NEIGHBOUR = "18.71.01.1004"  # same district, another village


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def operator(region_tree, make_user):
    return make_user("village_operator")  # scope: 18.71.01.1003


def test_the_url(region_tree):
    assert reverse("registrations:village") == URL


def test_anonymous_visitors_are_sent_to_log_in(client, region_tree):
    response = client.get(URL)
    assert response.status_code == 302 and "/masuk/" in response["Location"]
    response = client.post(URL, registration_data())
    assert response.status_code == 302 and "/masuk/" in response["Location"]
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("role", ["employer", "sponsor", "auditor", "award_jury"])
def test_other_roles_are_refused(client, region_tree, make_user, role):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, registration_data()).status_code == 403
    assert Registration.objects.count() == 0


def test_the_operators_form_has_its_own_village_fixed(client, operator):
    client.force_login(operator)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{OWN_VILLAGE}"' in body and "readonly" in body
    assert 'id="no-requests"' in body  # the empty state, in words
    assert CONSENT_TEXT_VERSION in body


def test_the_operator_registers_in_its_own_village(client, operator):
    client.force_login(operator)
    response = client.post(URL, registration_data(payer="help"))
    assert response.status_code == 302 and response["Location"] == URL
    request = Registration.objects.get()
    assert (request.channel, request.village_id) == (Channel.VILLAGE, OWN_VILLAGE)
    assert request.requested_by == operator and request.payer == Payer.HELP
    assert request.consent.text_version == CONSENT_TEXT_VERSION
    page = client.get(URL).content.decode()
    assert request.reference in page  # the success message and the list
    assert mask_name(request.name) in page and request.name not in page
    assert request.nik not in page


@pytest.mark.parametrize("code", [FOREIGN_VILLAGE, NEIGHBOUR])
def test_a_village_outside_the_operators_is_refused(client, operator, code):
    client.force_login(operator)
    response = client.post(URL, registration_data(village_code=code))
    assert response.status_code == 400
    (error,) = response.context["form"].errors["village_code"]
    assert "di luar wilayah" in error and "outside your area" in error
    assert Registration.objects.count() == 0


def test_the_operator_also_needs_the_persons_consent(client, operator):
    client.force_login(operator)
    response = client.post(URL, registration_data(consent=None))
    assert response.status_code == 400 and "consent" in response.context["form"].errors
    assert Registration.objects.count() == 0


def test_the_operator_simulates_without_storing(client, operator):
    client.force_login(operator)
    response = client.post(URL, {"income": "1.000.000", "action": "simulate"})
    assert response.status_code == 200
    assert 'id="simulation-total">Rp 16.800<' in response.content.decode()
    assert Registration.objects.count() == 0


def test_a_regency_officer_registers_anywhere_in_its_area(client, region_tree, make_user):
    officer = make_user("regency_officer")  # 18.71
    client.force_login(officer)
    form = client.get(URL).content.decode()
    assert "readonly" not in form
    response = client.post(URL, registration_data(village_code=NEIGHBOUR))
    assert response.status_code == 302
    request = Registration.objects.get()
    assert (request.channel, request.village_id) == (Channel.OFFICER, NEIGHBOUR)
    refused = client.post(URL, registration_data(n=602, village_code=FOREIGN_VILLAGE))
    assert refused.status_code == 400 and "village_code" in refused.context["form"].errors
    assert Registration.objects.count() == 1


def test_the_list_shows_only_the_own_village_masked(client, region_tree, operator):
    own = submitted(region_tree[OWN_VILLAGE], 71, name="Siti Aminah")
    neighbour = submitted(region_tree[NEIGHBOUR], 72, name="Budi Tetangga")
    foreign = submitted(region_tree[FOREIGN_VILLAGE], 73, name="Asing Jauh")
    client.force_login(operator)
    body = client.get(URL).content.decode()
    assert own.reference in body and "S*** A***" in body and "Siti Aminah" not in body
    for other in (neighbour, foreign):
        assert other.reference not in body and mask_name(other.name) not in body
    assert 'id="no-requests"' not in body


def test_the_list_is_filtered_by_status(client, region_tree, operator, make_user):
    from lindung.registrations import services

    checked = submitted(region_tree[OWN_VILLAGE], 81)
    withdrawn = services.withdraw(
        actor=make_user("bpjs_branch"), request=submitted(region_tree[OWN_VILLAGE], 82)
    )
    client.force_login(operator)
    body = client.get(URL, {"status": Status.WITHDRAWN}).content.decode()
    assert withdrawn.reference in body and checked.reference not in body
    body = client.get(URL, {"status": Status.CONFIRMED}).content.decode()
    assert 'id="no-requests"' in body and checked.reference not in body
    bad = client.get(URL, {"status": "<script>"})
    assert bad.status_code == 400
    assert 'id="filter-errors"' in bad.content.decode() and "<script>" not in bad.content.decode()


def test_the_list_is_paged(client, region_tree, operator):
    for n in range(PAGE_SIZE + 1):
        submitted(region_tree[OWN_VILLAGE], 100 + n)
    client.force_login(operator)
    first = client.get(URL)
    assert len(first.context["rows"]) == PAGE_SIZE
    assert 'id="next-page"' in first.content.decode()
    second = client.get(URL, {"halaman": 2})
    assert len(second.context["rows"]) == 1
