"""Demo sponsors (issue 7 item 7): three companies and the demo sponsor account's foundation
with sites around Bandar Lampung, and one individual donor; their pledges, and one accepted
matching run. Idempotent: sponsors that exist already are left alone, and matching runs only
when a sponsor was created."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from lindung.accounts import services as accounts
from lindung.accounts.models import Organisation, OrganisationKind
from lindung.core.scope import SYSTEM
from lindung.regions.models import Region, RegionBoundary
from lindung.sponsorship.matching import accept_run, run_matching
from lindung.sponsorship.models import Pledge, PledgeStatus, Sponsor, SponsorKind
from lindung.sponsorship.services import SponsorshipError, add_site, create_pledge, create_sponsor

REGENCY = "18.71"  # Kota Bandar Lampung
START = dt.date(2025, 10, 1)
# name, kind, site name, (lat, lng) or None (the village centroid), pledge fields
DEMO_SPONSORS: tuple[tuple[str, str, str, tuple[float, float] | None, dict[str, Any]], ...] = (
    ("PT Pelabuhan Panjang Sejahtera", SponsorKind.COMPANY, "Kantor Panjang", (-5.470, 105.320),
     {"title": "Nelayan dan buruh pelabuhan", "worker_count": 150, "radius_km": 8.0}),
    ("PT Kopi Tanjung Karang", SponsorKind.COMPANY, "Gudang Tanjung Karang", (-5.420, 105.260),
     {"title": "Pekerja rentan sekitar gudang", "budget": 60_000_000, "radius_km": 6.0,
      "women_first": True}),
    ("PT Agro Rajabasa", SponsorKind.COMPANY, "Pabrik Rajabasa", (-5.370, 105.230),
     {"title": "Petani dan buruh tani", "worker_count": 80, "radius_km": 10.0,
      "max_welfare_decile": 4}),
    # The demo "sponsor" account's organisation (demo/accounts.py), so its portal has a pledge.
    ("Yayasan CSR Contoh (demo)", SponsorKind.COMPANY, "Sekretariat Kedaton", (-5.385, 105.262),
     {"title": "Perempuan pekerja informal", "worker_count": 40, "radius_km": 7.0,
      "women_first": True}),
    ("Hamba Allah (donatur)", SponsorKind.DONOR, "Rumah donatur", None,
     {"title": "Sedekah perlindungan", "worker_count": 20, "radius_km": 5.0}),
)  # fmt: skip


def _nearest_village(lat: float, lng: float) -> Region | None:
    rows = RegionBoundary.objects.filter(
        region__level="village", region__province_code="18", region__regency_code=REGENCY
    ).values_list("region_id", "centroid_lat", "centroid_lng")
    best = min(rows, key=lambda r: (r[1] - lat) ** 2 + (r[2] - lng) ** 2, default=None)
    return Region.objects.get(code=best[0]) if best else None


def ensure_demo_sponsorship(*, actor: Any = SYSTEM) -> int:
    """Create the demo sponsors that do not exist yet and, when some were created, match the
    open pledges of Bandar Lampung once; returns how many sponsors were created."""
    regency = Region.objects.filter(code=REGENCY).first()
    if regency is None:
        return 0
    created = 0
    for name, kind, site_name, point, plan in DEMO_SPONSORS:
        if Sponsor.objects.filter(name=name).exists():
            continue
        village = _nearest_village(*(point or (-5.400, 105.270)))
        if village is None:
            return created
        org = Organisation.objects.filter(name=name).first() or accounts.create_organisation(
            actor=actor, name=name, kind=OrganisationKind.SPONSOR, region_code=REGENCY
        )
        sponsor = create_sponsor(actor=actor, name=name, kind=kind, organisation=org,
                                 region=regency)  # fmt: skip
        lat, lng = point if point else (None, None)
        site = add_site(actor=actor, sponsor=sponsor, name=site_name, village=village,
                        lat=lat, lng=lng)  # fmt: skip
        create_pledge(actor=actor, site=site, start_month=START, months=6, **plan)
        created += 1
    if created and Pledge.objects.filter(status=PledgeStatus.OPEN, regency_code=REGENCY).exists():
        # Nobody eligible nearby (a tiny demo): the pledges stay open.
        with contextlib.suppress(SponsorshipError):
            accept_run(actor=actor, run=run_matching(actor=actor, region=regency))
    return created
