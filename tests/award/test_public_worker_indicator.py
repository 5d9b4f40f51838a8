"""The register-backed questionnaire items (issue 21 §5): a regency's "non-ASN protected" and a
village's "officials and RT/RW protected" are the coverage of the entrant's register of public
workers on the edition's cut-off day, reconciled on that day, when anybody is listed; without
register data the verified answer counts as before. On a small explicit world:

* Kota Bandar Lampung (18.71): its government (PEMKAB-18.71) lists 4 non-ASN staff (2 covered
  before the cut-off, 1 only after it, 1 never), 1 honorary teacher (covered), and 1 non-ASN
  listed only after the cut-off (not counted): 3 of 6 = 50 %;
* village 18.71.01.1003: its government lists a head (covered), 2 officials (1 covered, 1
  lapsed) and 2 RT/RW heads (1 BPU, 1 PU at a company = registered elsewhere): 3 of 5 = 60 %;
* Kota Metro (18.72) and village 18.72.01.1001 have no register: their answers count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lindung.award import runs
from lindung.award.indicators import REGISTER_CATEGORIES
from lindung.award.models import (
    Answer,
    CategoryKind,
    CriterionScore,
    IndicatorValue,
    Verdict,
)
from lindung.award.services import add_entry
from lindung.core.scope import SYSTEM
from lindung.publicworkers.models import BodyKind, PayingBody, PublicWorker
from lindung.publicworkers.reconcile import listed_on
from lindung.publicworkers.rules import load_categories
from lindung.publicworkers.selectors import live_coverage
from lindung.registry.models import Segment
from tests.award.factories import make_edition
from tests.publicworkers.factories import covered, listed, village_government
from tests.registry.factories import EmployerFactory

pytestmark = pytest.mark.engine

CUTOFF = dt.date(2025, 6, 30)
OWN_VILLAGE, FOREIGN_VILLAGE = "18.71.01.1003", "18.72.01.1001"
ANSWER = 3  # of 4: 75 % on the item's scale


def regency_government(region, employer) -> PayingBody:
    body = PayingBody(code=f"PEMKAB-{region.code}", name=f"Pemerintah {region.name}",
                      kind=BodyKind.REGENCY_OFFICE, region=region, employer=employer)  # fmt: skip
    body.assign_region_codes(region.code)
    body.save()
    return body


@pytest.fixture
def world(region_tree, rates):
    load_categories()  # (a live-server test's flush may have removed the migration's rows)
    r = region_tree
    village = r[OWN_VILLAGE]
    city = regency_government(r["18.71"], EmployerFactory(village=village, name="Pemkot BL"))
    staff = [listed(city, 200 + i, "non_asn", village=village) for i in range(4)]
    covered(staff[0])
    covered(staff[1], start=dt.date(2024, 3, 1))
    covered(staff[2], start=dt.date(2025, 7, 1))  # after the cut-off
    covered(listed(city, 210, "honorary_teacher", village=village))
    late = listed(city, 211, "non_asn", village=village, listed_from=dt.date(2025, 8, 1))
    covered(late)
    desa = village_government(village)
    covered(listed(desa, 300, "village_head"))
    officials = [listed(desa, 301 + i, "village_official") for i in range(2)]
    covered(officials[0])
    covered(officials[1], start=dt.date(2024, 1, 1), end=dt.date(2025, 1, 1))  # lapsed
    rt_rw = [listed(desa, 310 + i, "rt_rw_head", honorarium=400_000) for i in range(2)]
    covered(rt_rw[0], segment=Segment.BPU)
    covered(rt_rw[1], employer=EmployerFactory(village=village, name="PT Lain"))
    listed(desa, 320, "non_asn")  # not a village category: not in the village's figure
    edition = make_edition(r["18"], cutoff=CUTOFF,
                           kinds=(CategoryKind.REGENCY, CategoryKind.VILLAGE))  # fmt: skip
    cats = {c.kind: c for c in edition.categories.all()}
    entries = {
        code: add_entry(actor=SYSTEM, category=cats[kind], region=r[code])
        for code, kind in (("18.71", "regency"), ("18.72", "regency"),
                           (OWN_VILLAGE, "village"), (FOREIGN_VILLAGE, "village"))
    }  # fmt: skip
    items = {
        kind: cats[kind].criteria.get(code=code)
        for kind, code in (("regency", "non-asn"), ("village", "village-officials"))
    }
    for code, entry in entries.items():
        kind = "village" if code.count(".") == 3 else "regency"
        Answer.objects.create(entry=entry, criterion=items[kind], value=ANSWER,
                              verdict=Verdict.ACCEPTED, verified_value=ANSWER,
                              verified_at=timezone.now())  # fmt: skip
    runs.freeze_indicators(actor=SYSTEM, edition=edition)
    return {"edition": edition, "entries": entries, "items": items}


def frozen(world, code: str, kind: str) -> IndicatorValue | None:
    return IndicatorValue.objects.filter(
        entry=world["entries"][code], criterion=world["items"][kind]
    ).first()


def test_the_items_read_the_register(world) -> None:
    for kind, code in (("regency", "non-asn"), ("village", "village-officials")):
        assert world["items"][kind].indicator == "public_workers_pct", code
        assert world["items"][kind].kind == "questionnaire"


def test_with_register_data_the_indicator_is_the_coverage_on_the_cutoff(world) -> None:
    city = frozen(world, "18.71", "regency")
    assert city.value == Decimal("50.00") and city.as_of == CUTOFF
    assert (city.details["listed"], city.details["covered"]) == (6, 3)
    assert city.details["source"] == "public_workers_pct"
    village = frozen(world, OWN_VILLAGE, "village")
    assert village.value == Decimal("60.00")
    assert (village.details["listed"], village.details["covered"]) == (5, 3)
    # The same figure the register's own selector gives for that day.
    for code, kind, workers in (
        ("18.71", "regency", PublicWorker.objects.filter(regency_code="18.71")),
        (OWN_VILLAGE, "village", PublicWorker.objects.filter(body__region_id=OWN_VILLAGE)),
    ):
        workers = workers.filter(category_id__in=REGISTER_CATEGORIES[kind])
        _rows, total = live_coverage(listed_on(workers, CUTOFF), CUTOFF)
        assert frozen(world, code, kind).value == total.coverage_pct


def test_without_register_data_nothing_is_frozen_and_the_answer_counts(world) -> None:
    assert frozen(world, "18.72", "regency") is None
    assert frozen(world, FOREIGN_VILLAGE, "village") is None


def test_the_run_counts_the_register_instead_of_the_answer(world) -> None:
    run = runs.compute_run(actor=SYSTEM, edition=world["edition"])
    values = {}
    for category in run.inputs["categories"]:
        for e in category["entries"]:
            values.update({(e["id"], int(c)): v for c, v in e["values"].items()})
    entries, items = world["entries"], world["items"]
    # On the item's 0–4 scale: 50 % → 2, 60 % → 2.4; the others keep their answer (3).
    assert Decimal(values[(entries["18.71"].pk, items["regency"].pk)]) == Decimal(2)
    assert Decimal(values[(entries[OWN_VILLAGE].pk, items["village"].pk)]) == Decimal("2.4")
    assert values[(entries["18.72"].pk, items["regency"].pk)] == str(ANSWER)
    assert values[(entries[FOREIGN_VILLAGE].pk, items["village"].pk)] == str(ANSWER)
    scores = {
        (s.result.entry_id, s.criterion_id): s
        for s in CriterionScore.objects.filter(result__run=run).select_related("result")
    }
    city = scores[(entries["18.71"].pk, items["regency"].pk)]
    assert city.normalised == Decimal("50.0000")  # the coverage, back on 0–100
    assert city.source["indicator"]["answered"] == ANSWER
    assert city.source["indicator"]["coverage_pct"] == "50.00"
    assert scores[(entries["18.72"].pk, items["regency"].pk)].normalised == Decimal("75.0000")
    assert scores[(entries[OWN_VILLAGE].pk, items["village"].pk)].normalised == Decimal("60.0000")
    assert runs.verify_run(run)
