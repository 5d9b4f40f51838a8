"""Denominators below the regency (issue 22): the demo's synthetic file, district percentages
and gaps against a plain recount, and what the regency, village and public pages say."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from lindung.core.months import month_end, month_ends
from lindung.core.numbers import month_text
from lindung.core.scope import SYSTEM
from lindung.coverage import selectors
from lindung.coverage.models import CoverageTarget
from lindung.coverage.services import refresh
from lindung.demo.denominators import denominator_rows, ensure_demo_denominators
from lindung.regions.models import SourceKind, WorkerPopulation
from lindung.regions.sources import source_links, without_markers
from lindung.registry.models import Membership
from tests.coverage.factories import make_employer, make_membership, make_person
from tests.regions.factories import (
    PopulationKindFactory,
    RegionBoundaryFactory,
    RegionFactory,
    WorkerPopulationFactory,
    square,
)

DAY = dt.date(2024, 6, 30)
HOMES = {"18.71.01.1003": 30, "18.71.01.1004": 12, "18.71.02.1001": 20}


@pytest.fixture
def kota(region_tree, settings, tmp_path):
    """Kota Bandar Lampung with two districts (the second added here), BPU members in three
    villages, facts for January to June 2024."""
    settings.COVERAGE_FIRST_MONTH = "2024-01"
    settings.VAR_DIR = tmp_path
    district = RegionFactory(code="18.71.02", name="Tanjung Karang Pusat")
    village = RegionFactory(code="18.71.02.1001", name="Pasir Gintung")
    RegionBoundaryFactory(region=district, geometry=square(106.0, -5.4))
    RegionBoundaryFactory(region=village, geometry=square(106.0, -5.4))
    region_tree.update({"18.71.02": district, "18.71.02.1001": village})
    for code, count in HOMES.items():
        for _ in range(count):
            person = make_person(region_tree[code])
            make_membership(person, dt.date(2024, 1, 1), segment="BPU", funding="self")
    refresh(months=month_ends(dt.date(2024, 1, 1), DAY))
    return region_tree


def test_the_demo_file_splits_each_regency_figure_exactly_and_says_it_is_synthetic(kota):
    result = ensure_demo_denominators(scale="small", seed=7, actor=SYSTEM)
    regency = WorkerPopulation.objects.get(region_id="18.71", kind_id="bps_employed_persons")
    below = {
        w.region_id: w
        for w in WorkerPopulation.objects.filter(regency_code="18.71", kind_id=regency.kind_id)
    }
    districts = [below["18.71.01"], below["18.71.02"]]
    assert sum(d.value for d in districts) == regency.value
    assert below["18.71.01.1003"].value + below["18.71.01.1004"].value == districts[0].value
    assert below["18.71.02.1001"].value == districts[1].value
    synthetic = [w for code, w in below.items() if code != "18.71"]
    assert all(w.source_kind == SourceKind.SYNTHETIC for w in synthetic)
    assert all("SINTETIS" in w.source and w.reference_date == regency.reference_date
               for w in synthetic)  # fmt: skip
    # Kota Metro is split too; DKI Jakarta is not Lampung.
    assert WorkerPopulation.objects.filter(region_id="18.72.01.1001").exists()
    assert (
        not WorkerPopulation.objects.filter(regency_code="31.71")
        .exclude(region_id="31.71")
        .exists()
    )
    assert result.created == len(denominator_rows(seed=7)) == 7  # Kota: 2 + 3, Metro: 1 + 1

    again = ensure_demo_denominators(scale="small", seed=7, actor=SYSTEM)
    assert (again.created, again.unchanged) == (0, result.created)
    assert denominator_rows(seed=7) == denominator_rows(seed=7)
    assert denominator_rows(seed=8) != denominator_rows(seed=7)


def plain_covered(prefix: str, day: dt.date) -> int:
    """Distinct persons living under ``prefix`` with a membership active on ``day``."""
    persons = set()
    for m in Membership.objects.select_related("person"):
        home = m.person.village_code or m.person.district_code or m.person.regency_code
        active = m.start_date <= day and (m.end_date is None or day < m.end_date)
        if active and (home == prefix or home.startswith(prefix + ".")):
            persons.add(m.person_id)
    return len(persons)


def test_district_percentages_and_gaps_equal_a_plain_recount(kota, make_user):
    ensure_demo_denominators(scale="small", seed=7, actor=SYSTEM)
    officer = make_user("regency_officer")
    CoverageTarget.objects.create(
        region=kota["18.71"], year=2024, target_pct=Decimal("50.00"), label="Pemkot", source="t",
        province_code="18", regency_code="18.71",
    )  # fmt: skip
    children = selectors.children_on(officer, "18.71", DAY)
    rows = selectors.gap_ranking(children, 2024, parent="18.71")
    assert {r["figure"].region.code for r in rows} == {"18.71.01", "18.71.02"}
    for row in rows:
        code = row["figure"].region.code
        covered = plain_covered(code, DAY)
        population = WorkerPopulation.objects.get(region_id=code).value
        pct = (Decimal(covered) * 100 / population).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert row["figure"].covered == covered
        assert row["figure"].coverage_pct == pct
        assert row["uncovered"] == population - covered
        assert row["target_pct"] == Decimal("50.00") and row["target_inherited"]
        assert row["distance_pp"] == Decimal("50.00") - pct
        needed = (Decimal(50) * population / 100).to_integral_value(ROUND_HALF_UP)
        assert row["to_target"] == int(needed) - covered
    assert [r["uncovered"] for r in rows] == sorted((r["uncovered"] for r in rows), reverse=True)
    by_pct = selectors.gap_ranking(children, 2024, parent="18.71", order="pct")
    assert [r["figure"].coverage_pct for r in by_pct] == sorted(
        r["figure"].coverage_pct for r in rows
    )


def legend_numbers(svg: str) -> list[str]:
    return re.findall(r'<text x="28"[^>]*>([^<]*)</text>', svg)


def test_the_regency_dashboard_shows_every_district_with_its_percentage_and_gap(
    kota, client, make_user
):
    ensure_demo_denominators(scale="small", seed=7, actor=SYSTEM)
    client.force_login(make_user("regency_officer"))
    url = reverse("coverage:internal", kwargs={"code": "18.71"})
    response = client.get(url, {"tanggal": DAY.isoformat(), "urutan": "pct"})
    assert response.status_code == 200
    context = response.context
    assert context["options"].order == "pct"
    assert all(r["figure"].coverage_pct is not None for r in context["gaps"])
    assert context["map_measure"] == "pct" and context["without_denominator"] == []
    body = response.content.decode()
    for row in context["gaps"]:
        pct = f"{row['figure'].coverage_pct:.2f}".replace(".", ",")
        assert f">{pct}<" in body
    assert "Colour: coverage (%)" in context["map"] or "Warna" in context["map"]
    labels = legend_numbers(context["map"])
    assert labels and all(re.search(r"\d\.\d", label) is None for label in labels)
    assert any("," in label for label in labels)
    # The regency's own figure is not synthetic; every district's is, and says so.
    assert 'id="synthetic-badge"' not in body
    table = re.search(r'<table[^>]*id="children".*?</table>', body, re.S).group(0)
    assert table.count('synthetic-mark">') == 2
    assert 'id="headline-other"' not in body  # no English subtitle


def test_a_region_without_figures_says_so_and_the_map_colours_by_what_exists(
    kota, client, make_user
):
    client.force_login(make_user("regency_officer"))
    response = client.get(
        reverse("coverage:internal", kwargs={"code": "18.71"}), {"tanggal": DAY.isoformat()}
    )
    context = response.context
    assert context["map_measure"] == "covered"
    assert {r.code for r in context["without_denominator"]} == {"18.71.01", "18.71.02"}
    body = response.content.decode()
    assert 'id="map-no-denominator"' in body
    assert "no worker-population figure: no percentage or gap" in body or "tidak ada" in body
    assert "covered persons" in context["map"].lower() or "terlindungi" in context["map"]
    # One district gets a figure: the map colours by % and names the other in words.
    WorkerPopulationFactory(region=kota["18.71.02"], value=400)
    response = client.get(
        reverse("coverage:internal", kwargs={"code": "18.71"}), {"tanggal": DAY.isoformat()}
    )
    assert response.context["map_measure"] == "pct"
    assert [r.code for r in response.context["without_denominator"]] == ["18.71.01"]
    assert 'class="legend-no-data"' in response.context["map"]


def test_a_village_dashboard_shows_its_boundary_and_says_why_there_is_no_trend(
    region_tree, client, make_user, settings
):
    settings.COVERAGE_FIRST_MONTH = "2024-06"
    person = make_person(region_tree["18.71.01.1003"])
    make_membership(person, dt.date(2024, 1, 1), segment="BPU", funding="self")
    refresh(months=[DAY])
    client.force_login(make_user("village_operator"))
    response = client.get(
        reverse("coverage:internal", kwargs={"code": "18.71.01.1003"}),
        {"tanggal": DAY.isoformat()},
    )
    body = response.content.decode()
    assert 'data-code="18.71.01.1003"' in response.context["map"]  # its own boundary
    assert 'id="trend-empty"' in body and response.context["trend_chart"] == ""
    assert 'id="no-denominator"' in body  # the denominator table says why it is empty


def test_the_public_sentence_on_informal_workers_never_shows_blanks(region_tree, client):
    """BPU members hidden (a PU cell of 3 is hidden and BPU with it): the sentence says so
    instead of "× of 3.140.000 … (– %); – are not"."""
    PopulationKindFactory(code="bps_informal_workers", name_id="Pekerja informal (BPS)")
    WorkerPopulationFactory(
        region=region_tree["18.71"],
        kind=PopulationKindFactory(code="bps_informal_workers"),
        value=3_140_000,
    )
    employer = make_employer(region_tree["18.71.01.1003"])
    for n in range(23):
        person = make_person(region_tree["18.71.01.1003"])
        if n < 3:
            make_membership(person, dt.date(2024, 1, 1), employer=employer)
        else:
            make_membership(person, dt.date(2024, 1, 1), segment="BPU", funding="self")
    response = client.get(
        reverse("coverage:public", kwargs={"code": "18.71"}), {"tanggal": DAY.isoformat()}
    )
    assert response.context["informal"].covered is None
    body = response.content.decode()
    sentence = re.search(r'id="informal-gap">(.*?)</p>', body, re.S).group(1)
    assert "hidden in the public view" in sentence or "disembunyikan" in sentence
    assert "3.140.000" in sentence
    assert "×" not in sentence and "(– %)" not in sentence and "– " not in sentence


def test_sources_read_as_short_titles_with_their_links():
    text = (
        "DERIVED: 4,787.59 thousand minus 89.93 thousand; https://idnnewspublish.com/a-b "
        "(BPS Lampung BRS 5 Nov 2024) ; "
        "https://www.kabarsawit.com/berita/3021 (domain.md §7.2 [78])"
    )
    links = source_links(text)
    assert [(link.title, link.url) for link in links] == [
        ("BPS Lampung BRS 5 Nov 2024 (idnnewspublish.com)", "https://idnnewspublish.com/a-b"),
        ("kabarsawit.com", "https://www.kabarsawit.com/berita/3021"),
    ]
    assert without_markers("Conflicts with 38.39 % [77][81]") == "Conflicts with 38.39 %"
    assert source_links("Dukcapil DKB 2024", "https://x.example/dkb") == [
        source_links("Dukcapil DKB 2024", "https://x.example/dkb")[0]
    ]
    assert source_links("Dukcapil DKB 2024", "https://x.example/dkb")[0].url


def test_every_target_note_is_translatable():
    import csv
    from pathlib import Path

    import lindung.coverage
    from lindung.coverage.notes import TARGET_NOTES

    path = Path(lindung.coverage.__file__).parent / "data" / "coverage_targets.csv"
    with open(path, encoding="utf-8") as fh:
        notes = {row["note"] for row in csv.DictReader(fh) if row["note"]}
    assert notes <= set(TARGET_NOTES)
    assert not any(re.search(r"\[\d+\]", note) for note in notes)


def test_a_district_takes_the_target_of_its_nearest_ancestor(region_tree):
    def target(code: str, year: int, pct: str) -> None:
        CoverageTarget.objects.create(
            region=region_tree[code], year=year, target_pct=Decimal(pct), label="T", source="t",
            province_code="18", regency_code="18.71" if code != "18" else "",
        )  # fmt: skip

    target("18", 2023, "30.00")
    target("18", 2030, "58.35")
    den = selectors.Denominator("k", "K", 100, dt.date(2024, 8, 31), "s")
    district = selectors.Figure(region_tree["18.71.01"], DAY, 10, {}, den, from_facts=True)
    (row,) = selectors.gap_ranking([district], 2025, parent="18.71")
    # No target of 2025 anywhere, none of the district's or the city's own: the province's
    # latest earlier one.
    assert (row["target_pct"], row["target_year"], row["target_inherited"]) == (
        Decimal("30.00"), 2023, True
    )  # fmt: skip
    assert (row["distance_pp"], row["to_target"]) == (Decimal("20.00"), 20)
    (early,) = selectors.gap_ranking([district], 2020, parent="18.71")
    assert early["target_year"] == 2023  # none earlier: the first later one
    target("18.71", 2025, "40.00")
    (own_city,) = selectors.gap_ranking([district], 2025, parent="18.71")
    assert own_city["target_pct"] == Decimal("40.00")
    (plain,) = selectors.gap_ranking([district], 2025)
    assert plain["target_pct"] is None  # without a parent only the region's own target counts


def test_the_dashboard_opens_on_the_latest_final_month_and_marks_a_provisional_one(kota, client):
    url = reverse("coverage:public", kwargs={"code": "18.71"})
    opened = client.get(url)
    assert opened.context["figure"].day == DAY  # the latest computed month-end
    assert not opened.context["figure"].provisional
    assert 'id="provisional-note"' not in opened.content.decode()
    assert ">Juni 2024<" in opened.content.decode()  # months as words in the picker
    current = month_end(dt.date.today())
    body = client.get(url, {"tanggal": current.isoformat()}).content.decode()
    note = re.search(r'id="provisional-note">(.*?)</p>', body, re.S).group(1)
    assert month_text(current, english=False) in note or month_text(current, english=True) in note
