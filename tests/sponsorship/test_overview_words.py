"""The CSR pages say what happened: the portal's summary equals a recount of the (filtered)
pledges, the regional overview names its regions and reads a constant number of queries however
many regions, pledges and candidates there are; the set-based village count equals the
per-candidate definition."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lindung.core.roles import Role
from lindung.programmes.models import Candidate
from lindung.registry.models import Membership
from lindung.sponsorship import selectors
from lindung.sponsorship.matching import accept_run, run_matching
from lindung.sponsorship.models import Assignment, MatchStatus, Pledge
from tests.registry.factories import MembershipFactory, PersonFactory
from tests.sponsorship.factories import candidates, make_pledge, make_sponsor, place

pytestmark = [pytest.mark.usefixtures("rates"), pytest.mark.engine]
KEDATON, SURABAYA, METRO = "18.71.01.1003", "18.71.01.1004", "18.72.01.1001"


TAGS = ["Kopi", "Lada", "Sawit"]


def grow(regions, *, regency: str, village: str, n: int, tag: str, workers: int = 3) -> None:
    """Candidates in ``village``, a sponsor with a site there, its pledges, a matching."""
    # Each tag its own block of NIK numbers (str hash() changes per process: no collisions).
    start = 7000 + 100 * TAGS.index(tag)
    candidates(regions[village], workers * n, start=start, welfare_decile=2)
    _s, site = make_sponsor(regions[regency], regions[village], name=f"PT {tag}")
    for i in range(n):
        make_pledge(site, title=f"Janji {tag} {i}", worker_count=workers)
    accept_run(actor=None, run=run_matching(actor=None, region=regions[regency]))


@pytest.fixture
def csr(region_tree):
    place(KEDATON, -5.40, 105.26)
    place(SURABAYA, -5.41, 105.27)
    place(METRO, -5.11, 105.31)
    grow(region_tree, regency="18.71", village=KEDATON, n=2, tag="Kopi")
    return region_tree


def _figure(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@pytest.mark.parametrize("params", [{}, {"q": "Kopi 1"}, {"status": "open"}])
def test_portal_summary_equals_a_recount_of_the_filtered_pledges(client, csr, make_user, params):
    user = make_user(Role.PROVINCE_OFFICER)
    client.force_login(user)
    html = client.get(reverse("sponsorship:home"), params).content.decode()
    pledges = list(selectors.pledges_filtered(user, params).qs)
    matched = (
        Assignment.objects.filter(pledge__in=pledges, run__status=MatchStatus.ACCEPTED)
        .values("candidate_id")
        .distinct()
        .count()
    )
    if not params:
        assert len(pledges) == 2 and matched == 6  # the bug: five matched pledges, all zeros
    assert _figure(html, "summary-pledges") == _number(len(pledges))
    assert _figure(html, "summary-matched") == _number(matched)
    assert _figure(html, "summary-pledged") == _number(sum(p.worker_count for p in pledges))
    assert _figure(html, "summary-budget") == "Rp " + _number(sum(p.budget for p in pledges))
    assert _figure(html, "summary-protected") == "0"  # nobody enrolled yet


def test_region_overview_names_regions_with_constant_queries(
    client, csr, make_user, django_assert_max_num_queries
):
    client.force_login(make_user(Role.PROVINCE_OFFICER))
    url = reverse("sponsorship:overview")
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        first = client.get(url)
    assert first.status_code == 200
    # More regions, pledges, candidates and matchings: not one query more.
    grow(csr, regency="18.71", village=SURABAYA, n=3, tag="Lada")
    grow(csr, regency="18.72", village=METRO, n=4, tag="Sawit")
    assert Pledge.objects.count() == 9
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    table = re.search(r'id="by-region">(.*?)</table>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", table)
    assert "Kota Bandar Lampung" in text and "Kota Metro" in text
    assert "18.71" not in text and "18.72" not in text
    rows = dict(re.findall(r'data-code="([^"]+)"><td>[^<]*</td><td class="text-end">(\d+)<', table))
    assert rows == {"18.71": "5", "18.72": "4"}
    # Sites are named by their village, never by its code.
    reach = re.search(r'id="site-reach">(.*?)</table>', html, re.S).group(1)
    assert "(Surabaya)" in reach and KEDATON not in reach


def test_unsponsored_by_village_equals_the_per_candidate_definition(csr, make_user):
    on = timezone.localdate()
    regions = csr
    extra = candidates(regions[SURABAYA], 4, start=8100)
    member, ended = PersonFactory(nik=extra[0].nik), PersonFactory(nik=extra[1].nik)
    MembershipFactory(person=member, start_date=on - dt.timedelta(days=30))
    MembershipFactory(person=ended, start_date=dt.date(2020, 1, 1), end_date=on)
    Candidate.objects.filter(pk=extra[0].pk).update(person=member)
    Candidate.objects.filter(pk=extra[1].pk).update(person=ended)
    candidates(regions[METRO], 2, start=8200)  # outside the regency officer's region
    for role in (Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER):
        user = make_user(role)
        active = Membership.objects.filter(person_id=OuterRef("person_id"), start_date__lte=on)
        active = active.filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        reserved = Assignment.objects.filter(
            candidate_id=OuterRef("pk"), run__status=MatchStatus.ACCEPTED
        )
        expected: dict[str, int] = {}
        for c in (
            Candidate.objects.for_actor(user).exclude(Exists(active)).exclude(Exists(reserved))
        ):
            expected[c.village_id] = expected.get(c.village_id, 0) + 1
        assert selectors.unsponsored_by_village(user, on) == expected
    assert expected[SURABAYA] == 3 and METRO not in expected  # the active member is left out


def test_near_counts_equal_a_brute_force_haversine() -> None:
    """The latitude-band pruning of ``overview._near`` changes nothing: every point's count
    equals the plain sum over every village within ``NEAR_KM``."""
    import math
    import random

    from lindung.sponsorship import overview

    rng = random.Random(7)
    cents = {f"v{i}": (-6 + 2 * rng.random(), 104 + 2 * rng.random()) for i in range(400)}
    counts = {code: rng.randint(0, 9) for code in cents}
    points = [(-6 + 2 * rng.random(), 104 + 2 * rng.random()) for _ in range(300)]

    def km(a: tuple[float, float], b: tuple[float, float]) -> float:
        la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
        h = (
            math.sin((la2 - la1) / 2) ** 2
            + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        )
        return 2 * overview.EARTH_KM * math.asin(math.sqrt(min(h, 1.0)))

    expected = [
        sum(n for code, n in counts.items() if km(p, cents[code]) <= overview.NEAR_KM)
        for p in points
    ]
    assert overview._near(points, counts, cents) == expected
    assert sum(expected) > 0
