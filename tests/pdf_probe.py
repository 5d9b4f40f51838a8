"""Hostile HTML for the PDF renderer and a thorough look inside the PDFs it produces (issue 17).

``hostile_html`` names a temporary "secret" file (a unique marker string), a PNG and a
stylesheet that would print the marker, by every road WeasyPrint's default fetcher takes:
``<link rel="attachment">``, ``<link rel="stylesheet">``, ``<img src>``, ``<object data>``,
``<embed src>``, CSS ``url()`` in ``<style>`` and in ``style=""``, as ``file://`` URLs, as
relative paths from the working directory, through ``<base href="file://…">``, ``..`` paths
under ``/static/``, ``http://127.0.0.1:1/`` and a ``data:`` text file.
``assert_no_leak`` then checks the raw bytes, every decompressed stream, the attachments and the
images of the PDF.
"""

from __future__ import annotations

import base64
import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

PNG_1x1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


@dataclass
class Hostile:
    marker: str
    head: str  # <link>/<style>/<base> elements (a template would put them anywhere)
    body: str  # <img>/<object>/<p style> elements


def hostile_html(folder: Path) -> Hostile:
    marker = f"LINDUNG-SECRET-{uuid.uuid4().hex}"
    secret = folder / "secret.txt"
    secret.write_text(f"DJANGO_SECRET_KEY={marker}\n")
    image = folder / "secret.png"
    image.write_bytes(PNG_1x1)
    sheet = folder / "evil.css"
    sheet.write_text(
        f'p::after {{ content: "{marker}"; }} body {{ background: url({image.as_uri()}); }}'
    )
    rel_secret = os.path.relpath(secret)
    rel_image = os.path.relpath(image)
    traversal = "/static/" + "../" * 12 + str(secret).lstrip("/")
    encoded = "/static/" + "%2e%2e/" * 12 + str(secret).lstrip("/")
    data_text = "data:text/plain;base64," + base64.b64encode(marker.encode()).decode()
    head = f"""
<base href="{folder.as_uri()}/">
<link rel="attachment" href="{secret.as_uri()}" title="secret">
<link rel="attachment" href="secret.txt">
<link rel="attachment" href="{rel_secret}">
<link rel="attachment" href="../../../../../../../../etc/passwd">
<link rel="attachment" href="{traversal}">
<link rel="attachment" href="{encoded}">
<link rel="attachment" href="http://127.0.0.1:1/secret.txt">
<link rel="attachment" href="{data_text}">
<link rel="attachment" href="file:///proc/self/environ">
<link rel="stylesheet" href="{sheet.as_uri()}">
<link rel="stylesheet" href="evil.css">
<style>
  @import url("{sheet.as_uri()}");
  h6 {{ background-image: url("{image.as_uri()}"); }}
  body {{ list-style-image: url("{rel_image}"); }}
</style>
"""
    body = f"""
<h6>x</h6>
<img src="{image.as_uri()}" alt="">
<img src="secret.png" alt="">
<img src="{rel_image}" alt="">
<img src="http://127.0.0.1:1/secret.png" alt="">
<object data="{secret.as_uri()}" type="text/plain"></object>
<object data="{image.as_uri()}" type="image/png"></object>
<embed src="{image.as_uri()}" type="image/png">
<iframe src="{secret.as_uri()}"></iframe>
<p style="background-image: url('{image.as_uri()}')">.</p>
"""
    return Hostile(marker=marker, head=head, body=body)


def _streams(reader) -> list[bytes]:
    from pypdf.generic import StreamObject

    out = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)  # None for a free entry of the xref table
        if isinstance(obj, StreamObject):
            out.append(obj.get_data())
    return out


def assert_no_leak(pdf: bytes, marker: str, *, images: int = 0) -> str:
    """Nothing of the secret in the PDF, no attachment, ``images`` images; returns its text."""
    import pypdf

    assert pdf.startswith(b"%PDF")
    needle = marker.encode()
    assert needle not in pdf
    assert b"/EmbeddedFile" not in pdf and b"/FileAttachment" not in pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    for data in _streams(reader):
        assert needle not in data
    text = " ".join(page.extract_text() for page in reader.pages)
    assert marker not in text
    assert sum(len(page.images) for page in reader.pages) == images
    return " ".join(text.split())
