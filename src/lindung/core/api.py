from __future__ import annotations

from rest_framework.pagination import CursorPagination


class CodeCursorPagination(CursorPagination):
    """Keyset pagination: stable on big tables, no OFFSET scans (DESIGN.md §4 "Big tables")."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "pk"
