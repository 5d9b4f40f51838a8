"""Registration requests for tests and the access matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lindung.programmes.models import Candidate
from lindung.registrations import rules, services
from lindung.registrations.models import Channel, Handoff, Payer, Registration
from lindung.registry.models import Segment
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, nik_for

FIRST_MONTH = dt.date(2025, 3, 1)


def bpu_draft(village: Any, n: int, **overrides: Any) -> rules.Draft:
    """A BPU worker of ``village`` with a valid NIK (serial ``n``), JKK+JKM on Rp 1,000,000."""
    values: dict[str, Any] = {
        "segment": Segment.BPU,
        "nik": nik_for(village.code, n, dt.date(1988, 5, 17)),
        "name": f"Pekerja Mandiri {n}",
        "birth_date": dt.date(1988, 5, 17),
        "sex": "M",
        "village": village,
        "occupation": "Petani",
        "wage": 1_000_000,
        "programmes": ["JKK", "JKM"],
        "first_month": FIRST_MONTH,
    }
    values.update(overrides)
    return rules.Draft(**values)


def submitted(village: Any, n: int, *, channel: str = Channel.SELF, **overrides: Any):
    """A self-registration (or ``channel``) stored through the service, as SYSTEM."""
    return services.submit(
        actor=None,
        channel=channel,
        draft=bpu_draft(village, n, **overrides),
        payer=Payer.SELF,
        consent=services.ConsentGiven(text_version="2025-01"),
    )


def registrations_world(regions: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """One request on each side of the regency officer's border (the foreign one's name is a
    marker no one outside 18.72 may see), both checked and ready for the branch."""
    own = submitted(regions[OWN_VILLAGE], 501, name="Warga Daftar Sendiri")
    foreign = submitted(regions[FOREIGN_VILLAGE], 502, name="Asing Mendaftar Jauh")
    assert Registration.objects.count() >= 2
    handoffs = {}
    for side, village in (("own", OWN_VILLAGE), ("foreign", FOREIGN_VILLAGE)):
        programme = world.get(f"{side}_programme")
        candidate = Candidate.objects.filter(village_id=village).order_by("pk").first()
        if programme is None or candidate is None:
            continue
        handoff = Handoff(programme=programme, candidate=candidate, funding_ends=FIRST_MONTH)
        handoff.assign_region_codes(village)
        handoff.save()
        handoffs[f"{side}_handoff"] = handoff
    return {"own_registration": own, "foreign_registration": foreign, **handoffs}
