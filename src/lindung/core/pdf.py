"""The one PDF renderer: every PDF Lindung builds goes through :func:`render_pdf`.

WeasyPrint's default URL fetcher opens whatever a document names — ``file://`` paths, any
http(s) host, relative paths against a ``<base href="file:///…">`` — and
``<link rel="attachment">`` embeds the fetched bytes in the PDF. Letter templates are edited by
users, so one ``<link rel="attachment" href="file:///…/lindung.sqlite3">`` would hand the
database (or ``/proc/self/environ`` with the secret key) to everyone who may download a letter.

Documents are therefore rendered against a fixed origin that never resolves
(:data:`BASE_URL`), and the fetcher here serves only:

* the project's own static files: ``/static/<path>`` on that origin (what ``{% static %}``
  writes), found by Django's staticfiles finders — exactly the files the site serves publicly
  anyway — with ``.``/``..``/empty segments, backslashes and NUL refused and the resolved file
  required to lie inside a static directory (no symlink escape);
* small inline raster images (``data:image/png|jpeg|gif|webp``), whose bytes are already in the
  document.

Every other URL — any other scheme (``file:``, ``ftp:``, ``data:`` of other types), any host,
any path outside ``/static/`` (``../../etc/passwd`` resolves to ``/etc/passwd`` on the fixed
origin) — is refused with :class:`ResourceRefused`. WeasyPrint catches the error, logs it (logger
``weasyprint``, with the refused URL) and renders the document without that resource, so a
hostile template never stops a letter.
"""

from __future__ import annotations

import base64
import binascii
import functools
import mimetypes
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

ORIGIN_HOST = "lindung.invalid"  # RFC 2606: ".invalid" never resolves
BASE_URL = f"https://{ORIGIN_HOST}/"
MAX_DATA_URL_BYTES = 512 * 1024
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp)(;base64)?,", re.IGNORECASE)


class ResourceRefused(ValueError):
    """A document named a resource that PDFs may not load (logged and skipped by WeasyPrint)."""


def _static_prefix() -> str:
    prefix = urlsplit(settings.STATIC_URL or "/static/").path
    prefix = "/" + prefix.lstrip("/")
    return prefix if prefix.endswith("/") else prefix + "/"


def _static_roots() -> list[Path]:
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return roots


def static_file(url: str) -> Path | None:
    """The project static file an absolute URL on :data:`BASE_URL` names, else ``None``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme != "https" or parts.netloc != ORIGIN_HOST:
        return None
    path = unquote(parts.path)
    prefix = _static_prefix()
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    if any(segment in ("", ".", "..") for segment in relative.split("/")):
        return None
    try:
        found = finders.find(relative)
    except Exception:  # SuspiciousFileOperation and friends: refuse, never crash
        return None
    if not found:
        return None
    real = Path(found).resolve()
    if not real.is_file() or not any(real.is_relative_to(root) for root in _static_roots()):
        return None
    return real


def _data_image(url: str) -> tuple[bytes, str] | None:
    match = _DATA_IMAGE.match(url)
    if match is None or len(url) > MAX_DATA_URL_BYTES * 2:
        return None
    payload = url[match.end() :]
    try:
        body = base64.b64decode(payload) if match[2] else unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None
    if len(body) > MAX_DATA_URL_BYTES:
        return None
    return body, f"image/{match[1].lower()}"


def resolve(url: str) -> tuple[bytes, str]:
    """The bytes and content type a PDF may load for ``url``; :class:`ResourceRefused` else."""
    if url[:5].lower() == "data:":
        image = _data_image(url)
        if image is not None:
            return image
    else:
        path = static_file(url)
        if path is not None:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return path.read_bytes(), content_type
    shown = url if len(url) <= 120 else url[:117] + "..."
    raise ResourceRefused(f"resource not allowed in PDFs: {shown}")


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # late: weasyprint loads Pango

    class StaticOnlyFetcher(URLFetcher):
        """Serves :func:`resolve` only; never opens a file, socket or handler of urllib."""

        def __init__(self) -> None:
            super().__init__(
                timeout=1, allowed_protocols=(), allow_redirects=False, fail_on_errors=False
            )

        def fetch(self, url: str, headers: Any = None) -> Any:
            body, content_type = resolve(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return StaticOnlyFetcher


def url_fetcher() -> Any:
    """A fresh WeasyPrint fetcher that serves static files and small inline images only."""
    return _fetcher_class()()


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML page, loading only what :func:`resolve` allows."""
    from weasyprint import HTML  # imported late: it loads Pango

    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf()


def render_pdf_template(
    template_name: str, context: dict[str, Any], *, language: str = "id"
) -> bytes:
    """The PDF of a template rendered in ``language`` (Indonesian unless a document says
    otherwise): its ``{% translate %}`` strings and the number and date filters
    (``lindung.core.templatetags.number_format``: ``1.234.567``, ``7 Desember 2026``) follow
    that language, whatever the language of the request that asked for the PDF."""
    with translation.override(language):
        html = render_to_string(template_name, context)
    return render_pdf(html)
