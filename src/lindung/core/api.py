"""Pieces every API view shares: keyset pagination, strict query parameters, error responses in
the OpenAPI schema.

Bad input answers 400 with a message naming the parameter (never 500, never a silently ignored
filter): ``StrictFilterBackend`` rejects query parameters the view does not declare and any
16-digit run (a NIK must not travel in a URL, where every web server logs it), the paginator
rejects a malformed cursor or page size, ``validate_query`` does the same for plain API views.
``core.schema.AutoSchema`` documents the 400/401/403/404/429 answers that can happen, and
``core.viewsets`` holds the base classes of the API views.

DRF imports this module while it builds its own view classes (``DEFAULT_PAGINATION_CLASS``,
``DEFAULT_FILTER_BACKENDS``), so it must not import ``rest_framework.generics``/``viewsets`` or
drf-spectacular.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings

from lindung.core import errors
from lindung.core.i18n import bilingual

# A NIK is 16 digits; any such run in a URL is treated as one.
NIK_RUN = re.compile(r"[0-9]{16}")
PERSON_SEARCH_PATH = "/api/v1/persons/search/"
NIK_IN_URL = bilingual(
    "NIK tidak boleh dikirim dalam URL (URL tercatat di log server). Cari dengan POST "
    f'{PERSON_SEARCH_PATH} dan badan JSON {{"nik": "…"}} atau {{"q": "…"}}.',
    "A NIK must not be sent in a URL (URLs land in server logs). Search with POST "
    f'{PERSON_SEARCH_PATH} and a JSON body {{"nik": "…"}} or {{"q": "…"}}.',
)


def bad_request(message: str, **extra: Any) -> ValidationError:
    """A 400 whose body is ``{"detail": message, …}`` (an object, like every error body)."""
    return ValidationError({"detail": message, **extra})


def _format_param() -> str | None:
    return api_settings.URL_FORMAT_OVERRIDE


def check_query_params(
    request: Request, allowed: Iterable[str], *, post_only: Iterable[str] = ()
) -> None:
    """400 unless every query parameter is in ``allowed`` (plus ``format``); 400 too for a
    NIK-like digit run anywhere in the query string, or a parameter that is only accepted in
    a POST body (``post_only``)."""
    params = request.query_params
    allowed = {*allowed, _format_param()}
    for key in params:
        values = params.getlist(key)
        if key in post_only or any(NIK_RUN.search(v) for v in [key, *values]):
            raise bad_request(NIK_IN_URL, parameter=key)
    unknown = sorted(key for key in params if key not in allowed)
    if unknown:
        accepted = ", ".join(sorted(a for a in allowed if a)) or "-"
        raise bad_request(
            bilingual(
                f"Parameter tidak dikenal: {', '.join(unknown)}. Yang diterima: {accepted}.",
                f"Unknown query parameter: {', '.join(unknown)}. Accepted: {accepted}.",
            ),
            unknown=unknown,
        )


def check_body_keys(data: Any, allowed: Iterable[str]) -> None:
    """400 for keys of a JSON or form body the operation does not take (a serializer would
    ignore them, and a misspelt filter would silently widen the answer)."""
    if not hasattr(data, "keys"):
        return  # not an object: the serializer says so
    allowed = set(allowed)
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        raise bad_request(
            bilingual(
                f"Kunci tidak dikenal: {', '.join(unknown)}. Yang diterima: "
                f"{', '.join(sorted(allowed))}.",
                f"Unknown key: {', '.join(unknown)}. Accepted: {', '.join(sorted(allowed))}.",
            ),
            unknown=unknown,
        )


def validate_query(
    request: Request, serializer_class: type[serializers.Serializer] | None = None
) -> dict[str, Any]:
    """Query parameters of a plain API view, checked like a FilterSet's: unknown ones and bad
    values are a 400. Returns the serializer's validated data (``{}`` without a serializer)."""
    fields = serializer_class().fields if serializer_class else {}
    check_query_params(request, fields)
    if serializer_class is None:
        return {}
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, but a query parameter the view does not declare is a 400, not a filter
    silently ignored (``/bills/?employer=`` used to answer every bill in scope).

    Declared are: the FilterSet's filters, the paginator's parameters (``cursor``,
    ``page_size``), ``format``, other backends' ``search``/``ordering`` parameters and a view's
    own ``extra_query_params``. A view's ``post_only_params`` (``nik`` on persons) answer 400
    with the way to the POST search."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        check_query_params(
            request,
            self.allowed_query_params(queryset, view),
            post_only=getattr(view, "post_only_params", ()),
        )
        return super().filter_queryset(request, queryset, view)

    def allowed_query_params(self, queryset: QuerySet, view: Any) -> set[str]:
        allowed: set[str] = set(getattr(view, "extra_query_params", ()))
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            for name, filter_ in filterset_class.base_filters.items():
                suffixes = getattr(filter_.field_class.widget, "suffixes", None)
                widget = filter_.extra.get("widget")
                suffixes = getattr(widget, "suffixes", suffixes)
                if suffixes:
                    allowed.update(f"{name}_{s}" if s else name for s in suffixes)
                else:
                    allowed.add(name)
        paginator = getattr(view, "paginator", None)
        if paginator is not None:
            for attr in dir(paginator):
                if attr.endswith("_query_param") and isinstance(getattr(paginator, attr), str):
                    allowed.add(getattr(paginator, attr))
        for backend in getattr(view, "filter_backends", ()):
            for attr in ("search_param", "ordering_param"):
                if isinstance(getattr(backend, attr, None), str):
                    allowed.add(getattr(backend, attr))
        return allowed


class CodeCursorPagination(CursorPagination):
    """Keyset pagination: stable on big tables, no OFFSET scans (docs/ARCHITECTURE.md).

    A malformed cursor or page size is a 400 with a message (DRF answers 404 for the first and
    silently ignores the second)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "pk"
    invalid_cursor = bilingual(
        "Kursor halaman tidak sah; pakai tautan next/previous dari jawaban sebelumnya.",
        "Invalid page cursor; use the next/previous link of the previous response.",
    )

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise bad_request(
                bilingual(
                    f"page_size harus bilangan bulat 1–{self.max_page_size}.",
                    f"page_size must be a whole number from 1 to {self.max_page_size}.",
                ),
                parameter=self.page_size_query_param,
            )
        return int(raw)

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except Exception as error:  # DRF raises NotFound; binascii/Unicode errors are ValueErrors
            raise bad_request(self.invalid_cursor, parameter=self.cursor_query_param) from error

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> Any:
        if self.cursor_query_param not in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        try:
            # A well-formed cursor can still carry a position the ordering column cannot hold.
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as error:
            raise bad_request(self.invalid_cursor, parameter=self.cursor_query_param) from error

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


def not_found(request: HttpRequest, exception: Exception | None = None) -> Any:
    """``handler404``: an unmatched URL under an API prefix answers JSON like the API's own
    404s; pages answer the site's 404 page (core.errors)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": bilingual("Tidak ditemukan.", "Not found.")}, status=404)
    return errors.page_not_found(request, exception)


class GeoJSONRenderer(BaseRenderer):
    """``application/geo+json`` for endpoints that build their GeoJSON text themselves."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data.encode() if isinstance(data, str) else json.dumps(data).encode()
