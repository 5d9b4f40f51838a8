"""Programme pages finish their sentences: rules, funders and prices by their labels (never
``poorest_first`` or ``BPU-JKK``), nothing doubled; the candidates list pages with a total."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from lindung.contributions.rulebook import describe_rules
from lindung.core.roles import Role
from lindung.programmes.models import FunderKind, PriorityRule
from tests.programmes.factories import CandidateFactory, make_programme
from tests.registry.factories import OWN_VILLAGE, nik_for

pytestmark = pytest.mark.engine


def visible_text(html: str) -> str:
    """The page as a person reads it: no tags, no attributes."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_programme_detail_shows_rules_and_funder_by_their_labels(client, region_tree, rates,
                                                                 make_user):  # fmt: skip
    programme = make_programme(
        region_tree["18"], kind=FunderKind.DBH_SAWIT, funder_name="Pemprov Lampung (DBH sawit)",
        priority_rules="poorest_first,occupational_risk", village_quota=25, min_age=18,
        occupations="Buruh kebun,Pemanen sawit",
    )  # fmt: skip
    assert {"BPU-INCOME-MIN", "BPU-JKK"} <= set(programme.premium_rules.split(","))
    client.force_login(make_user(Role.PROVINCE_OFFICER))
    html = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    text = visible_text(html)
    for code in ("poorest_first", "occupational_risk", "BPU-INCOME-MIN", "BPU-JKK", "BPU-JKM"):
        assert code not in text, code
    with translation.override("id"):
        labels = [str(PriorityRule.POOREST_FIRST.label), str(PriorityRule.OCCUPATIONAL_RISK.label)]
        kind = str(FunderKind.DBH_SAWIT.label)
        rules = describe_rules(programme.premium_rules)
    # Priority rules in their order of precedence, by label.
    priority = visible_text(re.search(r'id="rule-priority">(.*?)</td>', html, re.S).group(1))
    assert priority.index(labels[0]) < priority.index(labels[1])
    # Each rule that priced the premium, in words with its legal basis.
    assert all(r.text != r.rule_id and r.text in text and r.legal_basis in text for r in rules)
    # The funder's name already says its source: not repeated.
    funder = visible_text(re.search(r'id="funder">(.*?)</td>', html, re.S).group(1)).strip()
    assert funder == "Pemprov Lampung (DBH sawit)"
    assert f"(DBH sawit) ({kind})" not in text and "(DBH sawit) (DBH sawit)" not in text
    assert "Buruh kebun, Pemanen sawit" in text and "–" not in priority


def test_a_funder_kind_is_shown_when_the_name_does_not_say_it(region_tree, rates):
    programme = make_programme(region_tree["18"], kind=FunderKind.BAZNAS, funder_name="Lazis Desa")
    with translation.override("en"):
        assert programme.funder.kind_note == "Zakat (BAZNAS)"
    named = make_programme(region_tree["18"], kind=FunderKind.BAZNAS, funder_name="BAZNAS Lampung",
                           name="Lain")  # fmt: skip
    assert named.funder.kind_note == ""


def test_candidates_page_by_fifty_with_a_pager_and_the_total(client, region_tree, make_user):
    village = region_tree[OWN_VILLAGE]
    for n in range(53):
        CandidateFactory(nik=nik_for(OWN_VILLAGE, 7000 + n, dt.date(1985, 6, 1)), village=village,
                         name=f"Calon Halaman {n:02d}")  # fmt: skip
    client.force_login(make_user(Role.REGENCY_OFFICER))
    url = reverse("programmes:candidates")
    first = client.get(url).content.decode()
    assert first.count("<tr><td><code>") == 50
    assert 'id="next-page"' in first and "1 / 2" in first
    assert re.search(r'id="candidate-total">[^<]*\b53\b', first)
    second = client.get(url, {"halaman": 2}).content.decode()
    assert second.count("<tr><td><code>") == 3 and 'rel="prev"' in second
    # Villages by name, no dash for an unknown decile.
    assert village.name in first
    searched = client.get(url, {"q": "Halaman 0"}).content.decode()
    assert re.search(r'id="candidate-total">[^<]*\b10\b', searched)
    assert 'id="next-page"' not in searched
