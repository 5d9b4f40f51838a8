from __future__ import annotations

import json

from rest_framework.pagination import CursorPagination
from rest_framework.renderers import BaseRenderer


class CodeCursorPagination(CursorPagination):
    """Keyset pagination: stable on big tables, no OFFSET scans (DESIGN.md §4 "Big tables")."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "pk"


class GeoJSONRenderer(BaseRenderer):
    """``application/geo+json`` for endpoints that build their GeoJSON text themselves."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data.encode() if isinstance(data, str) else json.dumps(data).encode()
