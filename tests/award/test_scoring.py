"""The award formula on explicit inputs and as properties (award/scoring.py)."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.award import scoring
from lindung.award.scoring import CriterionInput, normalise

D = Decimal


def criterion(id_: int, kind: str = "indicator", weight: str = "10", **kw) -> dict:
    return {"id": id_, "code": f"c{id_}", "kind": kind, "weight": weight, **kw}


def category(criteria: list[dict], values: dict[int, dict[int, object]], winners: int = 3):
    return {
        "id": 1,
        "winners": winners,
        "criteria": criteria,
        "entries": [
            {"id": e, "name": f"E{e}", "values": {str(c): v for c, v in row.items()}}
            for e, row in values.items()
        ],
    }


def test_min_max_normalisation_both_directions_ties_and_missing():
    up = CriterionInput(1, "a", "indicator", D(10))
    down = CriterionInput(2, "b", "indicator", D(10), direction="lower")
    raw = {1: D("20"), 2: D("30"), 3: D("40"), 4: None}
    assert normalise(up, raw) == {1: D(0), 2: D(50), 3: D(100), 4: D(0)}
    assert normalise(down, raw) == {1: D(100), 2: D(50), 3: D(0), 4: D(0)}
    assert normalise(up, {1: D(7), 2: D(7)}) == {1: D(100), 2: D(100)}
    assert normalise(up, {1: None}) == {1: D(0)}


def test_questionnaire_and_jury_use_their_absolute_scale():
    item = CriterionInput(1, "q", "questionnaire", D(5), max_points=4)
    assert normalise(item, {1: D(3), 2: D(4), 3: D(0), 4: None}) == {
        1: D(75),
        2: D(100),
        3: D(0),
        4: D(0),
    }
    jury = CriterionInput(2, "j", "jury", D(15), max_points=100)
    assert normalise(jury, {1: D("87.5"), 2: D(120)}) == {1: D("87.5"), 2: D(100)}


def test_weighted_total_explicit():
    # Weights 30 (indicator) + 10 (questionnaire, max 4) = 40.
    data = category(
        [criterion(1, weight="30"), criterion(2, "questionnaire", "10", max_points=4)],
        {1: {1: "10", 2: "4"}, 2: {1: "20", 2: "1"}, 3: {1: "15", 2: "2"}},
    )
    scores = {s.entry_id: s for s in scoring.score_category(data).scores}
    # E1: 30×0/40 + 10×100/40 = 25; E2: 30×100/40 + 10×25/40 = 81.25; E3: 37.5 + 12.5 = 50.
    assert [scores[e].total for e in (1, 2, 3)] == [D("25"), D("81.25"), D("50")]
    assert [scores[e].rank for e in (2, 3, 1)] == [1, 2, 3]
    assert scores[2].subtotals == {"indicator": D(75), "questionnaire": D("6.25"), "jury": D(0)}


def test_ties_broken_by_indicator_then_jury_then_shared():
    # Equal totals (50): E1 earns them from the indicator, E2 from the questionnaire.
    data = category(
        [criterion(1, weight="10"), criterion(2, "questionnaire", "10", max_points=4)],
        {1: {1: "10", 2: "0"}, 2: {1: "0", 2: "4"}, 3: {1: "10", 2: "0"}, 4: {1: "0", 2: "0"}},
    )
    ranking = dict(scoring.score_category(data).ranking())
    assert ranking == {1: 1, 3: 1, 2: 3, 4: 4}  # E1 and E3 equal in every key: shared rank


def test_sensitivity_reports_a_weight_that_changes_the_winner():
    # E1 wins by a hair on criterion 1; 10 % less weight on it hands the win to E2.
    data = category(
        [criterion(1, weight="51"), criterion(2, weight="49")],
        {1: {1: "1", 2: "0"}, 2: {1: "0", 2: "1"}},
        winners=1,
    )
    result = scoring.score_category(data)
    assert result.ranking() == [(1, 1), (2, 2)]
    by = {(s["code"], s["factor"]): s for s in result.sensitivity}
    assert by[("c1", "0.9")]["winners_changed"] is True
    assert by[("c1", "0.9")]["moved"] == [
        {"entry": 2, "from": 2, "to": 1},
        {"entry": 1, "from": 1, "to": 2},
    ]
    assert by[("c1", "1.1")]["winners_changed"] is False and by[("c1", "1.1")]["moved"] == []
    assert not scoring.stable(result)

    calm = category(
        [criterion(1, weight="80"), criterion(2, weight="20")],
        {1: {1: "1", 2: "1"}, 2: {1: "0", 2: "0"}},
    )
    assert scoring.stable(scoring.score_category(calm))


def half_up(value: Fraction) -> Decimal:
    """``value`` rounded half up to 4 decimals, computed exactly."""
    units = math.floor(value * 10_000 + Fraction(1, 2))
    return Decimal(units).scaleb(-4)


values = st.one_of(st.none(), st.decimals(min_value=0, max_value=10_000, places=2))
kinds = st.sampled_from(["indicator", "questionnaire", "jury"])


@st.composite
def categories(draw):
    n_criteria = draw(st.integers(1, 5))
    criteria = [
        criterion(
            i + 1,
            draw(kinds),
            str(draw(st.integers(0, 50))),
            direction=draw(st.sampled_from(["higher", "lower"])),
            max_points=draw(st.sampled_from([1, 4, 100])),
        )
        for i in range(n_criteria)
    ]
    if all(D(c["weight"]) == 0 for c in criteria):
        criteria[0]["weight"] = "1"
    entries = draw(st.integers(1, 8))
    rows = {
        e + 1: {c["id"]: (None if (v := draw(values)) is None else str(v)) for c in criteria}
        for e in range(entries)
    }
    return category(criteria, rows)


@settings(max_examples=300, deadline=None)
@given(categories(), st.randoms(use_true_random=False), st.integers(2, 7))
def test_properties(data, rnd, factor):
    result = scoring.score_category(data)
    # Totals lie in 0–100 and equal the sum of their points; ranks are 1-based and ordered.
    for s in result.scores:
        assert D(0) <= s.total <= D(100)
        assert s.total == sum(s.points.values())
    ranks = [s.rank for s in result.scores]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    # The order of entries in the input does not matter.
    shuffled = dict(data, entries=rnd.sample(data["entries"], len(data["entries"])))
    assert sorted(scoring.score_category(shuffled).ranking()) == sorted(result.ranking())
    # Scaling every weight by the same factor changes nothing.
    scaled = dict(
        data, criteria=[dict(c, weight=str(D(c["weight"]) * factor)) for c in data["criteria"]]
    )
    assert [s.total for s in scoring.score_category(scaled).scores] == [
        s.total for s in result.scores
    ]
    # Exact: every normalised value and total equals the rounded rational value.
    for c in data["criteria"]:
        raw = {int(e["id"]): e["values"][str(c["id"])] for e in data["entries"]}
        present = [Fraction(v) for v in raw.values() if v is not None]
        for s in result.scores:
            value = raw[s.entry_id]
            if value is None:
                want = Fraction(0)
            elif c["kind"] != "indicator":
                want = min(Fraction(value) / c["max_points"] * 100, Fraction(100))
            elif max(present) == min(present):
                want = Fraction(100)
            else:
                span = max(present) - min(present)
                gap = (
                    max(present) - Fraction(value)
                    if c["direction"] == "lower"
                    else Fraction(value) - min(present)
                )
                want = gap / span * 100
            assert s.normalised[c["id"]] == half_up(want), (c, value)
    weights = {c["id"]: Fraction(c["weight"]) for c in data["criteria"]}
    for s in result.scores:
        exact = sum(weights[k] * Fraction(n) for k, n in s.normalised.items())
        assert s.total == half_up(exact / (sum(weights.values()) or 1))
    # Frozen inputs survive a JSON round trip unchanged, and so does the ranking.
    again = json.loads(scoring.canonical({"categories": [data]}))
    assert scoring.compute(again)[1].ranking() == result.ranking()


def test_hash_is_over_canonical_json():
    a = {"categories": [], "edition": 1, "formula_version": "1"}
    b = {"formula_version": "1", "edition": 1, "categories": []}
    assert scoring.inputs_hash(a) == scoring.inputs_hash(b)
    assert scoring.inputs_hash(a) != scoring.inputs_hash(dict(a, edition=2))


def test_points_add_up_to_a_perfect_total_without_overshoot():
    # Three equal weights: each exact share is 33.3333…; rounded alone they would sum to
    # 99.9999, and with other weights to 100.0001. Largest remainder keeps the sum exact.
    data = category([criterion(i, weight="1") for i in (1, 2, 3)], {1: {1: 5, 2: 5, 3: 5}})
    (score,) = scoring.score_category(data).scores
    assert score.total == D(100) == sum(score.points.values())
    assert sorted(score.points.values()) == [D("33.3333"), D("33.3333"), D("33.3334")]
