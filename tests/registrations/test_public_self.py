"""Self-registration at /pendaftaran/: the form refuses bad input with a bilingual message,
"Hitung iuran" prices without storing, registering needs consent and ends on the reference
page (never the NIK), and a worker who asks for help becomes a programme candidate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from lindung.core.models import AuditLog
from lindung.programmes.models import Candidate
from lindung.registrations.forms.public import CONSENT_TEXT_VERSION, parse_rupiah
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registrations.views.public import first_month
from tests.registrations.factories import submitted
from tests.registrations.routes_public import SIMULATE, registration_data
from tests.registry.factories import OWN_VILLAGE, nik_for

URL = "/pendaftaran/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def village(region_tree):
    return region_tree[OWN_VILLAGE]


def post(client, **overrides):
    return client.post(URL, registration_data(**overrides))


def test_the_urls_and_the_empty_form(client, village):
    assert reverse("registrations:self") == URL
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="consent-text"' in body and CONSENT_TEXT_VERSION in body
    assert "27" in body and "2022" in body  # UU 27/2022 is cited
    assert 'id="simulate-button"' in body and 'id="register-button"' in body


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.000.000", 1_000_000),
        ("Rp 1.000.000", 1_000_000),
        ("Rp. 2.500.000,00", 2_500_000),
        ("1000000", 1_000_000),
        ("1,000,000", 1_000_000),
        (" 750 000 ", 750_000),
    ],
)
def test_rupiah_as_people_write_it(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize(
    "text", ["satu juta", "1,5", "1.5", "-1000000", "1e6", "0", "1.00.000", "１０００", "9" * 40]
)
def test_garbage_income_is_refused_bilingually(client, village, text):
    response = post(client, income=text)
    assert response.status_code == 400
    errors = response.context["form"].errors["income"]
    assert errors and all(" / " in e for e in errors)  # Indonesian / English
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("nik", ["1234", "18710117058800000", "abcdefghijklmnop", "0" * 16])
def test_a_bad_nik_is_refused_with_its_reason(client, village, nik):
    response = post(client, nik=nik)
    assert response.status_code == 400
    (error,) = response.context["form"].errors["nik"]
    assert "NIK" in error and " / " in error
    assert 'id="error-nik"' in response.content.decode()
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("code", ["18.71.01", "99.99.99.9999", "18.71.01.10O3", "desa kami", "18"])
def test_a_bad_village_code_is_refused(client, village, code):
    response = post(client, village_code=code)
    assert response.status_code == 400
    (error,) = response.context["form"].errors["village_code"]
    assert " / " in error
    assert Registration.objects.count() == 0


def test_a_village_code_without_dots_is_accepted(client, village):
    response = post(client, village_code=OWN_VILLAGE.replace(".", ""))
    assert response.status_code == 302
    assert Registration.objects.get().village_id == OWN_VILLAGE


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", "31-02-1988"),
        ("birth_date", "kemarin"),
        ("birth_date", "2999-01-01"),
        ("phone", "telepon saya"),
        ("phone", "12"),
        ("email", "bukan-surel"),
        ("sex", "X"),
        ("payer", "employer"),  # not a choice of this page
        ("name", "12345"),
    ],
)
def test_other_bad_input_gets_a_field_error_never_a_500(client, village, field, value):
    response = post(client, **{field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Registration.objects.count() == 0


def test_simulate_shows_the_contribution_and_stores_nothing(client, village):
    audits = AuditLog.objects.count()
    response = client.post(URL, SIMULATE)  # only the income: enough to price
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="simulation-total">Rp 16.800<' in body
    assert "Rp 10.000" in body and "Rp 6.800" in body  # JKK and JKM lines
    # The fields left empty are not blamed for it.
    assert response.context["form"].errors == {}
    assert "error-nik" not in body
    assert Registration.objects.count() == 0 and Candidate.objects.count() == 0
    assert AuditLog.objects.count() == audits


def test_simulate_with_jht_and_the_whole_form(client, village):
    response = post(client, action="simulate", jht="on")
    assert response.status_code == 200
    assert 'id="simulation-total">Rp 36.800<' in response.content.decode()
    assert Registration.objects.count() == 0
    # The values typed stay in the form.
    assert 'value="Pekerja Desa 601"' in response.content.decode()


def test_simulate_with_a_bad_income_is_refused(client, village):
    response = client.post(URL, {"income": "banyak", "action": "simulate"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["income"]
    assert 'id="simulation"' not in response.content.decode()


def test_register_stores_one_request_with_consent_and_shows_the_reference(client, village):
    data = registration_data(phone="0812-3456-7890", email="pekerja@example.test")
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:self-done")
    request = Registration.objects.get()
    assert (request.channel, request.payer, request.segment) == (Channel.SELF, Payer.SELF, "BPU")
    assert request.status == Status.CHECKED and request.requested_by is None
    assert request.wage == 1_000_000 and request.monthly_contribution == 16_800
    assert request.programmes == "JKK JKM"
    assert request.first_month == first_month()
    assert request.first_month.day == 1 and request.first_month > dt.date.today()
    assert (request.phone, request.email) == ("081234567890", "pekerja@example.test")
    assert request.consent.text_version == CONSENT_TEXT_VERSION
    (audit,) = AuditLog.objects.filter(action="registrations.submit")
    assert audit.after["reference"] == request.reference and request.nik not in str(audit.after)

    done = client.get(response["Location"])
    assert done.status_code == 200
    body = done.content.decode()
    assert f'id="reference">{request.reference}<' in body
    assert request.nik not in body and request.name not in body
    assert "Rp 16.800" in body
    assert 'id="asked-help"' not in body


def test_the_first_month_is_next_month():
    assert first_month(dt.date(2026, 12, 7)) == dt.date(2027, 1, 1)
    assert first_month(dt.date(2027, 1, 31)) == dt.date(2027, 2, 1)
    assert first_month(dt.date(2027, 2, 1)) == dt.date(2027, 3, 1)


def test_registering_without_consent_stores_nothing(client, village):
    response = post(client, consent=None)
    assert response.status_code == 400
    (error,) = response.context["form"].errors["consent"]
    assert " / " in error
    assert Registration.objects.count() == 0


def test_a_refusal_of_the_service_is_shown_with_the_values_kept(client, village):
    submitted(village, 601)  # the same NIK already has an open request
    before = Registration.objects.count()
    response = post(client, name="Nama Yang Diketik")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="form-errors"' in body
    assert "sudah ada pendaftaran" in body and "already being processed" in body
    assert 'value="Nama Yang Diketik"' in body
    assert Registration.objects.count() == before


def test_asking_for_help_makes_a_programme_candidate(client, village):
    response = post(client, payer="help")
    assert response.status_code == 302
    request = Registration.objects.get()
    assert request.payer == Payer.HELP
    candidate = Candidate.objects.get(nik=request.nik)
    assert candidate.source == "self-registration" and candidate.village_id == OWN_VILLAGE
    done = client.get(response["Location"])
    assert 'id="asked-help"' in done.content.decode()


def test_a_signed_in_user_registering_alone_is_the_one_who_asked(client, village, make_user):
    user = make_user("sponsor")
    client.force_login(user)
    assert post(client).status_code == 302
    assert Registration.objects.get().requested_by == user


def test_the_reference_page_without_a_registration_goes_back_to_the_form(client, village):
    response = client.get(reverse("registrations:self-done"))
    assert response.status_code == 302 and response["Location"] == URL


def test_other_methods_are_refused(client, village):
    assert client.put(URL).status_code == 405
    assert client.post(reverse("registrations:self-done")).status_code == 405


def test_stored_self_registrations_are_throttled_per_address(client, village, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "registration_submit": "2/hour",
        },
    }
    for n in (1, 2):
        assert post(client, nik=nik_for(village.code, 700 + n)).status_code == 302
    refused = post(client, nik=nik_for(village.code, 703))
    assert refused.status_code == 429 and "too many requests" in refused.content.decode()
    assert Registration.objects.count() == 2
    # Simulating is never counted nor refused.
    assert post(client, action="simulate").status_code == 200
