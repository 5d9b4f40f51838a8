"""The site's error pages (403, 404, 500): what happened, in the user's language, with a way
back home and to the page the user came from. The API keeps its JSON 404 (core.api.not_found).

A refusal (403, 404) is logged by ``django.request`` as one line, without a traceback
(core.logging.RefusalWithoutTraceback); a 500 keeps its traceback."""

from __future__ import annotations

import logging

from django.core.exceptions import DisallowedHost
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)


def back_url(request: HttpRequest) -> str | None:
    """The page the user came from (the ``Referer``) when it is a page of this site and not the
    page that failed; ``None`` otherwise."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return None
    try:
        host = request.get_host()
        current = request.build_absolute_uri()
    except DisallowedHost:
        return None
    if referer == current or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return None
    return referer


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``. The exception's text is for the log, not for the page."""
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render({"back": back_url(request)}, request))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The page for a 404 (``handler404`` is core.api.not_found, which answers JSON under
    /api/)."""
    template = loader.get_template("404.html")
    return HttpResponseNotFound(template.render({"back": back_url(request)}, request))


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: rendered without the request context, so without the database, the
    session or the user (any of which may be what failed)."""
    try:
        body = loader.get_template("500.html").render({"back": back_url(request)})
    except Exception:  # the error page must not fail in turn
        logger.exception("The 500 page could not be rendered")
        body = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)
