"""Registers for tests: bodies, workers, and the registry memberships that cover them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.publicworkers.models import BodyKind, BudgetSource, PayingBody, PublicWorker
from lindung.registry.models import Segment
from tests.registry.factories import EmployerFactory, MembershipFactory, PersonFactory, nik_for

LISTED = dt.date(2025, 1, 1)
BIRTH = dt.date(1980, 4, 12)


def village_government(village: Any, *, with_npp: bool = True) -> PayingBody:
    employer = EmployerFactory(village=village, name=f"Pemdes {village.code}") if with_npp else None
    body = PayingBody(code=f"DESA-{village.code}", name=f"Pemerintah Desa {village.name}",
                      kind=BodyKind.VILLAGE, region=village, employer=employer)  # fmt: skip
    body.assign_region_codes(village.code)
    body.save()
    return body


def listed(body: PayingBody, n: int, category: str, *, honorarium: int = 2_500_000,
           village: Any = None, **fields: Any) -> PublicWorker:  # fmt: skip
    village = village or body.region
    worker = PublicWorker(
        body=body, nik=nik_for(village.code, n, BIRTH), name=f"Aparat {n}", birth_date=BIRTH,
        sex="M", village=village, category_id=category, honorarium=honorarium,
        budget_source=BudgetSource.APBDES, listed_from=fields.pop("listed_from", LISTED), **fields,
    )  # fmt: skip
    worker.assign_region_codes(body.region_id)
    worker.save()
    return worker


def covered(worker: PublicWorker, *, segment: str = Segment.PU, employer: Any = None,
            start: dt.date = LISTED, end: dt.date | None = None, kpj: str = "") -> Any:  # fmt: skip
    """A registry membership for ``worker``'s NIK (the person created when new)."""
    from lindung.registry.models import Person

    person = Person.objects.filter(nik=worker.nik).first() or PersonFactory(
        nik=worker.nik, birth_date=worker.birth_date, domicile=worker.village
    )
    if segment == Segment.PU and employer is None:
        employer = worker.body.employer
    return MembershipFactory(
        person=person,
        employer=employer if segment == Segment.PU else None,
        segment=segment,
        work_region=worker.village,
        start_date=start,
        end_date=end,
        kpj=kpj or f"KPJ{worker.pk:08d}{start:%y%m}",
    )


def publicworkers_world(regions: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """A village government on each side of the regency officer's border, two persons on
    each register (one covered); the foreign ones' names are markers no one outside 18.72
    may see."""
    from lindung.publicworkers.rules import load_categories
    from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE

    load_categories()  # (a live-server test's flush may have removed the migration's rows)
    own = village_government(regions[OWN_VILLAGE])
    foreign = village_government(regions[FOREIGN_VILLAGE])
    own_worker = listed(own, 801, "village_official")
    listed(own, 802, "rt_rw_head")
    foreign_worker = listed(foreign, 803, "village_official")
    listed(foreign, 804, "rt_rw_head")
    foreign_worker.name = "Perangkat Metrojauh"
    foreign_worker.save(update_fields=["name"])
    covered(own_worker)
    covered(foreign_worker)
    from lindung.publicworkers.services import refresh_unchecked

    refresh_unchecked(PublicWorker.objects.filter(body__in=[own, foreign]))
    world["foreign_markers"].extend([foreign.code, foreign_worker.name])
    return {
        "own_body": own,
        "foreign_body": foreign,
        "own_public_worker": own_worker,
        "foreign_public_worker": foreign_worker,
    }
