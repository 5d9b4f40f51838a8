"""Kemendagri region codes: levels, parents, ancestors, level columns, containment."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.core import regioncodes
from lindung.core.regioncodes import (
    LEVELS,
    ancestors_of,
    common_ancestor,
    is_valid_code,
    is_within,
    level_codes,
    level_of,
    parent_of,
    scope_column,
)

# Digits per part at each level: PP, RR, SS, NNNN.
PART_WIDTHS = (2, 2, 2, 4)


def structurally_valid(text: str) -> bool:
    """Independent oracle: 1–4 dot-separated parts of ASCII digits with widths 2, 2, 2, 4."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return False
    return all(
        len(part) == width and all(ch in "0123456789" for ch in part)
        for part, width in zip(parts, PART_WIDTHS, strict=False)
    )


def digits(width: int) -> st.SearchStrategy[str]:
    return st.integers(0, 10**width - 1).map(lambda n: f"{n:0{width}d}")


@st.composite
def codes(draw: st.DrawFn, min_depth: int = 1) -> str:
    depth = draw(st.integers(min_depth, 4))
    return ".".join(draw(digits(width)) for width in PART_WIDTHS[:depth])


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("18", "province", None),
        ("18.71", "regency", "18"),
        ("18.71.01", "district", "18.71"),
        ("18.71.01.1003", "village", "18.71.01"),
        ("18.10", "regency", "18"),  # the code a spreadsheet would turn into 18.1
    ],
)
def test_level_and_parent_of_known_codes(code: str, level: str, parent: str | None) -> None:
    assert is_valid_code(code)
    assert level_of(code) == level
    assert parent_of(code) == parent
    assert scope_column(code) == f"{level}_code"


@pytest.mark.parametrize(
    "text",
    [
        "18.1",  # 18.10 after a spreadsheet
        "1871",  # a BPS code, not a Kemendagri one
        "18.71.01.001",  # village suffix with three digits
        "18.71.01.10031",
        "18.71.01.1003.1",
        "",
        "1",
        "18.",
        ".18",
        "18..71",
        "18-71",
        "ab",
        " 18",
        "18 ",
        "18.7a",
    ],
)
def test_malformed_codes_are_invalid_and_have_no_level(text: str) -> None:
    assert not is_valid_code(text)
    with pytest.raises(ValueError, match="not a Kemendagri region code"):
        level_of(text)
    with pytest.raises(ValueError):
        scope_column(text)


@pytest.mark.parametrize("text", ["18\n", "18.71\n", "\u0661\u0668", "\uff11\uff18.71"])
def test_lookalike_codes_are_invalid(text: str) -> None:
    assert not is_valid_code(text)


def test_level_codes_of_a_village_fill_every_column() -> None:
    assert level_codes("18.71.01.1003") == {
        "province_code": "18",
        "regency_code": "18.71",
        "district_code": "18.71.01",
        "village_code": "18.71.01.1003",
    }
    assert level_codes("18.71") == {
        "province_code": "18",
        "regency_code": "18.71",
        "district_code": "",
        "village_code": "",
    }


@pytest.mark.parametrize(
    ("code", "scope", "expected"),
    [
        ("18.71.01.1003", "18", True),
        ("18.71.01.1003", "18.71", True),
        ("18.71", "18.71", True),
        ("18.72", "18.71", False),
        ("18", "18.71", False),  # an ancestor is not within its child
        ("18.71", "18.7", False),  # prefix of the digits but not of the parts
        ("181.71", "18", False),
        ("31.71", "18", False),
    ],
)
def test_is_within(code: str, scope: str, expected: bool) -> None:
    assert is_within(code, scope) is expected


@pytest.mark.parametrize(
    ("codes_", "expected"),
    [
        ([], ""),
        (["18.71.01"], "18.71.01"),
        (["18.71.01.1003", "18.71.01.1004"], "18.71.01"),
        (["18.71", "18.71.01.1003"], "18.71"),
        (["18.71", "18.72"], "18"),
        (["18.71", "18.72.01", "18.01"], "18"),
        (["18.71", "31.71"], ""),
    ],
)
def test_common_ancestor(codes_: list[str], expected: str) -> None:
    assert common_ancestor(codes_) == expected


@given(codes())
def test_generated_codes_are_valid_at_the_level_of_their_depth(code: str) -> None:
    assert is_valid_code(code)
    assert level_of(code) == LEVELS[len(code.split(".")) - 1]


@given(codes())
def test_ancestors_are_prefixes_ending_with_the_code(code: str) -> None:
    chain = ancestors_of(code)
    assert chain[-1] == code
    assert len(chain) == LEVELS.index(level_of(code)) + 1
    for depth, ancestor in enumerate(chain):
        assert is_valid_code(ancestor)
        assert level_of(ancestor) == LEVELS[depth]
        assert code == ancestor or code.startswith(ancestor + ".")
        assert is_within(code, ancestor)
    for child, parent in zip(chain[1:], chain, strict=False):
        assert parent_of(child) == parent
    assert parent_of(chain[0]) is None


@given(codes())
def test_level_codes_columns_agree_with_the_level(code: str) -> None:
    columns = level_codes(code)
    level = level_of(code)
    depth = LEVELS.index(level)
    assert set(columns) == set(regioncodes.LEVEL_COLUMNS.values())
    assert columns[scope_column(code)] == code
    for i, lvl in enumerate(LEVELS):
        value = columns[f"{lvl}_code"]
        if i <= depth:
            assert value and level_of(value) == lvl and is_within(code, value)
        else:
            assert value == ""


@given(codes(), codes())
def test_common_ancestor_is_the_deepest_shared_ancestor(a: str, b: str) -> None:
    shared = set(ancestors_of(a)) & set(ancestors_of(b))
    expected = max(shared, key=len) if shared else ""
    assert common_ancestor([a, b]) == expected
    assert common_ancestor([b, a]) == expected
    if expected:
        assert is_within(a, expected) and is_within(b, expected)


@given(codes(min_depth=2))
def test_a_code_is_within_its_parent_but_not_the_reverse(code: str) -> None:
    parent = parent_of(code)
    assert parent is not None
    assert is_within(code, parent)
    assert not is_within(parent, code)


@given(st.text(alphabet="0123456789.ab -", max_size=16))
def test_is_valid_code_matches_the_structure(text: str) -> None:
    assert is_valid_code(text) is structurally_valid(text)
    if not structurally_valid(text):
        with pytest.raises(ValueError):
            level_of(text)


@given(codes(), st.sampled_from([".1", ".123", ".12345", "0", "."]))
def test_a_malformed_suffix_makes_a_code_invalid(code: str, suffix: str) -> None:
    assert not is_valid_code(code + suffix)
