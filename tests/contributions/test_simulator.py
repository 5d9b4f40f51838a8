"""The public contribution simulator page and its API twin (domain.md §2)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from lindung.contributions.calculator import calculate_month
from lindung.contributions.inputs import InputErrors, parse_inputs

PAGE = "contributions:simulator"
API = "api:contribution-calculate"

BPU_MIN = {"segment": "BPU", "month": "2025-03", "income": "1000000", "funder": "self"}
PU_12M = {"segment": "PU", "month": "2025-03", "wage": "12000000", "risk_class": "1"}


def body(response) -> str:
    return response.content.decode()


def test_empty_page_shows_the_form_for_anonymous_visitors(client, rates) -> None:
    response = client.get(reverse(PAGE))
    assert response.status_code == 200
    text = body(response)
    assert "Simulasi iuran" in text and 'id="simulator-form"' in text
    assert 'id="lines"' not in text
    assert f'value="{dt.date.today():%Y-%m}"' in text  # the current month is the default


def test_bpu_minimum_package_total_in_rupiah(client, rates) -> None:
    response = client.get(reverse(PAGE), BPU_MIN)
    assert response.status_code == 200
    text = body(response)
    assert 'id="total">Rp 16.800<' in text
    assert "Rp 10.000" in text and "Rp 6.800" in text
    assert "PP 44/2015" in text  # the legal basis of each line
    assert "Jatuh tempo:" in text


def test_pu_12_million_march_2025_jp_lines_are_capped(client, rates) -> None:
    response = client.get(reverse(PAGE), PU_12M)
    assert response.status_code == 200
    text = body(response)
    assert text.count("Rp 10.547.400") >= 2  # the JP base of both JP lines is the cap
    assert "Rp 210.948" in text and "Rp 105.474" in text
    calc = calculate_month(segment="PU", month=dt.date(2025, 3, 1), wage=12_000_000, risk_class=1)
    assert f"Rp {calc.total:,}".replace(",", ".") in text
    assert "15 April 2025" in text  # due date, Indonesian month name


def test_unconfirmed_lines_carry_a_badge(client, rates) -> None:
    unconfirmed = calculate_month(segment="BPU", month=dt.date(2025, 3, 1), income=3_000_000)
    text = body(client.get(reverse(PAGE), {**BPU_MIN, "income": "3000000"}))
    expected = sum(line.unconfirmed for line in unconfirmed.lines)
    assert text.count('class="badge text-bg-warning unconfirmed"') == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({**PU_12M, "month": "2025-13"}, "month"),
        ({**PU_12M, "wage": "dua juta"}, "wage"),
        ({**PU_12M, "segment": "XYZ"}, "segment"),
    ],
)
def test_bad_input_is_400_with_a_bilingual_message(client, rates, query, field) -> None:
    response = client.get(reverse(PAGE), query)
    assert response.status_code == 400
    text = body(response)
    assert f'id="error-{field}"' in text and 'id="lines"' not in text
    if field == "month":
        assert "bulan harus YYYY-MM: 2025-13 / month must be YYYY-MM: 2025-13" in text


def test_calculator_refusal_is_400_with_its_message(client, rates) -> None:
    response = client.get(reverse(PAGE), {"segment": "PU", "month": "2025-03", "risk_class": "1"})
    assert response.status_code == 400
    assert "wage wajib untuk segmen PU / wage is required for PU" in body(response)


def test_a_fresh_database_says_to_load_the_rates(client, db) -> None:
    response = client.get(reverse(PAGE), PU_12M)
    assert response.status_code == 400
    assert "lindung contributions load-rates" in body(response)


def test_english_labels_after_switching_language(client, rates) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = body(client.get(reverse(PAGE), BPU_MIN))
    assert "Contribution simulator" in text and "Total" in text and "Rp 16.800" in text
    assert "Due date" in text


@pytest.mark.parametrize(
    ("query", "kwargs"),
    [
        (BPU_MIN, {"segment": "BPU", "income": 1_000_000, "funder": "self"}),
        (PU_12M, {"segment": "PU", "wage": 12_000_000, "risk_class": 1}),
        (
            {"segment": "JAKON", "month": "2025-03", "contract_value": "150000000"},
            {"segment": "JAKON", "contract_value": 150_000_000},
        ),
        (
            {"segment": "PMI", "month": "2025-03", "contract_months": "24"},
            {"segment": "PMI", "contract_months": 24},
        ),
    ],
)
def test_api_equals_calculate_month(client, rates, query, kwargs) -> None:
    response = client.get(reverse(API), query)
    assert response.status_code == 200, response.content
    expected = calculate_month(month=dt.date(2025, 3, 1), **kwargs).as_dict()
    assert response.json() == json.loads(json.dumps(expected))


def test_api_bad_month_is_400_with_field_errors(client, rates) -> None:
    response = client.get(reverse(API), {**PU_12M, "month": "03-2025"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "month": "bulan harus YYYY-MM: 03-2025 / month must be YYYY-MM: 03-2025"
    }


def test_api_is_in_the_openapi_schema(client) -> None:
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/contributions/calculate/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"segment", "month", "wage", "income", "contract_value", "programmes"} <= names
    assert "200" in operation["responses"] and "400" in operation["responses"]


def test_shared_parser_refuses_and_ignores_like_the_cli() -> None:
    with pytest.raises(InputErrors) as info:
        parse_inputs({"segment": "PU", "month": "2025/03", "wage": "-5"})
    assert set(info.value.errors) == {"month", "wage"}
    # Fields of another segment are ignored; thousands dots are accepted.
    kwargs = parse_inputs({"segment": "BPU", "month": "2025-03", "income": "1.000.000",
                           "wage": "x"})  # fmt: skip
    assert kwargs == {"segment": "BPU", "month": dt.date(2025, 3, 1), "income": 1_000_000}
    default = parse_inputs({"segment": "PU"}, today=dt.date(2026, 5, 17))
    assert default["month"] == dt.date(2026, 5, 1)
