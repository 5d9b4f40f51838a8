"""Programme factories. Regions must exist first (the ``region_tree`` fixture); a candidate's
region columns follow its village as the importer sets them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from lindung.core.scope import SYSTEM
from lindung.programmes.models import Candidate, FunderKind, ProgrammeInvoice
from lindung.programmes.services.plans import create_funder, create_programme
from tests.regions.factories import RegionFactory
from tests.registry.factories import OWN_VILLAGE, nik_for


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate
        skip_postgeneration_save = True

    nik = factory.Sequence(lambda n: nik_for(OWN_VILLAGE, n + 5000, dt.date(1985, 6, 1)))
    kk = ""
    name = factory.Sequence(lambda n: f"Calon Penerima {n}")
    sex = "F"
    birth_date = dt.date(1985, 6, 1)
    village = factory.SubFactory(RegionFactory, code=OWN_VILLAGE)
    occupation = "Petani"
    welfare_decile = 2
    source = "DTSEN 2025"

    @factory.post_generation
    def codes(obj, create, extracted, **kwargs):
        obj.assign_region_codes(obj.village_id)
        if create:
            obj.save()


def make_programme(
    region: Any,
    *,
    actor: Any = SYSTEM,
    kind: str = FunderKind.APBD_PROVINCE,
    funder_name: str = "Pemprov Lampung",
    **fields: Any,
):
    """A draft programme of a funder in ``region`` (the funder is created when missing)."""
    from lindung.programmes.models import Funder

    funder = Funder.objects.filter(name=funder_name, kind=kind).first() or create_funder(
        actor=actor, name=funder_name, kind=kind, region=region
    )
    plan = {
        "name": "Perlindungan pekerja rentan",
        "fiscal_year": 2025,
        "budget": 100 * 5 * 16_800,
        "start_month": dt.date(2025, 8, 1),
        "funded_months": 5,
        "target_count": 100,
        **fields,
    }
    return create_programme(actor=actor, funder=funder, area=fields.pop("area", region), **{
        k: v for k, v in plan.items() if k != "area"
    })  # fmt: skip


def programme_world(regions: dict[str, Any]) -> dict[str, Any]:
    """For the access matrix: a programme whose area is the village operator's village (so
    every region viewer of 18.71 sees it) and one in 18.72, each with a first selection run."""
    from lindung.programmes.services.plans import move
    from lindung.programmes.services.selection import run_selection

    own_village, foreign_village = OWN_VILLAGE, "18.72.01.1001"
    CandidateFactory(village=regions[own_village])
    CandidateFactory(
        nik=nik_for(foreign_village, 9001, dt.date(1985, 6, 1)), village=regions[foreign_village]
    )
    world: dict[str, Any] = {}
    for side, funder_region, area in (
        ("own", "18.71", own_village),
        ("foreign", "18.72", foreign_village),
    ):
        programme = make_programme(
            regions[funder_region], kind=FunderKind.APBD_REGENCY, funder_name=f"Pemkab {side}",
            area=regions[area], target_count=10,
        )  # fmt: skip
        programme = move(actor=SYSTEM, programme=programme, to="approved")
        world[f"{side}_programme"] = programme
        world[f"{side}_run"] = run_selection(actor=SYSTEM, programme=programme)
        world[f"{side}_invoice"] = ProgrammeInvoice.objects.create(
            programme=programme, number=f"INV/{programme.pk}/001", issued_on=dt.date(2025, 7, 1),
            due_on=dt.date(2025, 8, 15), persons=1, months=5, monthly_premium=16_800,
            amount=84_000,
        )  # fmt: skip
    return world
