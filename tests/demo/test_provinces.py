"""``--scale N``: Lampung's registry copied into other provinces (demo.provinces), on a small
hand-made world: every copy has Lampung's rows with unique keys and the target's region codes,
a second run copies nothing, and a smaller scale over a larger one is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.core import regioncodes
from lindung.demo.bulk import DemoError
from lindung.demo.provinces import built_provinces, extend_to, region_map, target_provinces
from lindung.programmes.models import Candidate
from lindung.regions.models import Region, WorkerPopulation
from lindung.registry.models import Employer, Membership, Person
from tests.regions.factories import RegionFactory, WorkerPopulationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]

# Lampung with two villages; Jawa Barat with three (the larger target); DKI with one.
CODES = [
    "18", "18.01", "18.01.01", "18.01.01.2001", "18.01.01.2002",
    "32", "32.01", "32.01.01", "32.01.01.2001", "32.01.01.2002", "32.01.01.2003",
    "31", "31.71", "31.71.01", "31.71.01.1001",
]  # fmt: skip


def located(obj, code: str):
    obj.assign_region_codes(code)
    obj.save()
    return obj


@pytest.fixture
def lampung(db) -> dict[str, Region]:
    regions = {code: RegionFactory(code=code, name=f"Wilayah {code}") for code in CODES}
    villages = ["18.01.01.2001", "18.01.01.2002"]
    for i, code in enumerate(villages):
        employer = located(
            Employer(npp=f"1000000{i}", name=f"PT {i}", nib=f"91200000000{i}", village_id=code),
            code,
        )
        person = located(
            Person(
                nik=f"18010141059{i}0001"[:16], name=f"Warga {i}", sex="M",
                birth_date=dt.date(1959, 5, 1), domicile_id=code,
            ),
            code,
        )  # fmt: skip
        located(
            Membership(
                person=person, employer=employer, segment="PU", kpj=f"1100000000{i}",
                wage=3_000_000, work_region_id=code, start_date=dt.date(2022, 1, 1),
            ),
            code,
        )  # fmt: skip
        located(
            Candidate(
                nik=f"18010152068{i}0002"[:16], kk=f"180101000000000{i}", name=f"Calon {i}",
                sex="F", birth_date=dt.date(1968, 6, 12), village_id=code, source="DTSEN",
                person=person if i == 0 else None,
            ),
            code,
        )  # fmt: skip
    WorkerPopulationFactory(region=regions["18.01"], value=5_000)
    return regions


def test_targets_are_the_largest_provinces_first(lampung):
    assert target_provinces() == ["32", "31"]
    pairs = dict(region_map("32"))
    assert pairs["18"] == "32" and pairs["18.01"] == "32.01"
    # Two villages over three: the first and the second of the target, in code order.
    assert [pairs[v] for v in ("18.01.01.2001", "18.01.01.2002")] == [
        "32.01.01.2001",
        "32.01.01.2002",
    ]


def test_each_copy_holds_lampungs_rows_in_its_own_codes(lampung):
    result = extend_to(3)
    assert result.extra["provinces"] == ["18", "32", "31"]
    assert built_provinces() == ["31", "32"]
    for model in (Employer, Person, Membership, Candidate):
        for province in ("32", "31"):
            assert model.objects.filter(province_code=province).count() == 2, model
    # Keys take the province's digits, so nothing collides with Lampung or another copy.
    niks = list(Person.objects.values_list("nik", flat=True))
    assert len(set(niks)) == 6 and {n[:2] for n in niks} == {"18", "32", "31"}
    assert Membership.objects.filter(kpj__startswith="32").count() == 2
    assert Employer.objects.filter(npp__startswith="31", nib__startswith="31").count() == 2
    # Every row's codes are those of its own (mapped) village, and its links stay in the copy.
    for m in Membership.objects.exclude(province_code="18").select_related("person", "employer"):
        assert regioncodes.level_codes(m.work_region_id)["village_code"] == m.village_code
        assert m.person.province_code == m.province_code == m.employer.province_code
        assert Person.objects.filter(province_code="18", nik="18" + m.person.nik[2:]).exists()
    linked = Candidate.objects.exclude(province_code="18").exclude(person=None)
    assert [c.person.province_code for c in linked] == [c.province_code for c in linked]
    assert len(linked) == 2
    # DKI has one village for Lampung's two: its denominators are not doubled.
    assert WorkerPopulation.objects.filter(region_id="31.71", value=5_000).count() == 1
    # The copies' sequences moved on: a new row gets a new id.
    newcomer = located(
        Person(nik="1801014105990009", name="Baru", sex="M", birth_date=dt.date(1959, 5, 1),
               domicile_id="18.01.01.2001"),
        "18.01.01.2001",
    )  # fmt: skip
    assert newcomer.pk > max(Person.objects.exclude(pk=newcomer.pk).values_list("pk", flat=True))


def test_a_second_run_copies_nothing_and_growing_keeps_the_first_copies(lampung):
    assert extend_to(2).created == 8 + 1  # four tables × 2 rows, one denominator
    first = set(Person.objects.filter(province_code="32").values_list("pk", "nik"))
    assert extend_to(2).created == 0
    assert extend_to(3).created > 0
    assert set(Person.objects.filter(province_code="32").values_list("pk", "nik")) == first


def test_a_smaller_scale_over_copies_is_refused(lampung):
    extend_to(3)
    with pytest.raises(DemoError, match="--rebuild"):
        extend_to(2)
    with pytest.raises(DemoError, match="at most 3"):
        extend_to(4)


def test_lampung_alone_needs_no_registry(db):
    assert extend_to(1).created == 0
