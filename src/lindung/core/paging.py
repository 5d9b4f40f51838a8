"""The one pagination helper of HTML lists (the API uses DRF cursors, core/api.py).

Small lists (cases, bills of a month, a run's decisions) are numbered: ``?halaman=N`` with a total.
Big tables (persons, memberships, employers) page by keyset (``?after=KEY``): no OFFSET and no
COUNT(*) over millions of rows. Both render through ``core/_pager.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

PAGE_SIZE = 50
PAGE_PARAM = "halaman"
AFTER_PARAM = "after"
# Form fields that never travel with a pager link.
NOT_FILTERS = {PAGE_PARAM, AFTER_PARAM, "csrfmiddlewaretoken", "reason"}


@dataclass
class Page:
    rows: list[Any]
    # The list's filters, carried along by the pager (and by export forms).
    filters: list[tuple[str, str]] = field(default_factory=list)
    # Numbered pages.
    number: int = 1
    num_pages: int = 1
    count: int | None = None
    # Keyset pages.
    keyset: bool = False
    after: str = ""
    next_after: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_after is not None if self.keyset else self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return bool(self.after) if self.keyset else self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def filter_fields(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The list's current filters (every non-empty parameter but the pager's own)."""
    items: Iterable[tuple[str, Any]]
    items = params.lists() if hasattr(params, "lists") else params.items()  # type: ignore[union-attr]
    out: list[tuple[str, str]] = []
    for key, values in items:
        if key in NOT_FILTERS:
            continue
        for value in values if isinstance(values, list) else [values]:
            if value not in (None, ""):
                out.append((key, str(value)))
    return out


def paginate(
    rows: QuerySet | list[Any],
    params: Mapping[str, Any],
    *,
    key: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of ``rows``: numbered (``?halaman=``) or, with ``key``, by keyset (``?after=``,
    ``rows`` ordered by ``key`` and filtered past the cursor)."""
    filters = filter_fields(params)
    if key is None:
        page = Paginator(rows, size).get_page(params.get(PAGE_PARAM))
        return Page(
            rows=list(page.object_list),
            filters=filters,
            number=page.number,
            num_pages=page.paginator.num_pages,
            count=page.paginator.count,
        )
    after = str(params.get(AFTER_PARAM) or "")
    if key == "pk" and not after.isdigit():
        after = ""
    if not isinstance(rows, QuerySet):  # an invalid filter's empty list: one empty page
        return Page(rows=list(rows)[:size], filters=filters, keyset=True)
    queryset = rows.order_by(key)
    if after:
        queryset = queryset.filter(**{f"{key}__gt": after})
    found = list(queryset[: size + 1])
    more = len(found) > size
    found = found[:size]
    next_after = str(_value(found[-1], key)) if more else None
    return Page(rows=found, filters=filters, keyset=True, after=after, next_after=next_after)


def _value(row: Any, key: str) -> Any:
    return row[key] if isinstance(row, dict) else getattr(row, key)


def filtered_page(
    filterset: Any,
    params: Mapping[str, Any],
    *,
    key: str | None = None,
    prepare: Callable[[QuerySet], QuerySet] | None = None,
) -> tuple[dict[str, Any], int]:
    """A list page read through its FilterSet: the context (``page``, ``filter``) and the
    status — 200, or 400 for an invalid filter, whose messages ``core/_filter_errors.html`` shows
    over an empty list (never a 500, never a silently unfiltered list)."""
    if not filterset.is_valid():
        return {"page": paginate([], params, key=key), "filter": filterset}, 400
    rows = filterset.qs if prepare is None else prepare(filterset.qs)
    return {"page": paginate(rows, params, key=key), "filter": filterset}, 200
