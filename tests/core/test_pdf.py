"""The one PDF renderer (issue 17, item 1): it loads the project's static files and small inline
images, and nothing else — no local file, no host, no path outside /static/ — and a refused
resource never stops the document."""

from __future__ import annotations

import base64
import io

import pytest

from lindung.core import pdf
from tests.pdf_probe import PNG_1x1, assert_no_leak, hostile_html

LEAFLET_ICON = "/static/vendor/leaflet/images/marker-icon.png"


def test_render_pdf_embeds_no_local_or_remote_resource(tmp_path):
    hostile = hostile_html(tmp_path)
    html = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{hostile.head}</head>"
        f"<body><p>Surat tetap dicetak</p>{hostile.body}</body></html>"
    )
    text = assert_no_leak(pdf.render_pdf(html), hostile.marker)
    assert "Surat tetap dicetak" in text


def test_the_weasyprint_default_would_have_leaked(tmp_path):
    """The probe itself works: WeasyPrint's own fetcher attaches the secret (what
    ``render_pdf`` replaces in every module)."""
    from weasyprint import HTML

    hostile = hostile_html(tmp_path)
    secret = (tmp_path / "secret.txt").as_uri()
    leaked = HTML(string=f'<link rel="attachment" href="{secret}"><p>x</p>').write_pdf()
    with pytest.raises(AssertionError):
        assert_no_leak(leaked, hostile.marker)


def test_static_files_and_small_inline_images_still_load():
    inline = "data:image/png;base64," + base64.b64encode(PNG_1x1).decode()
    html = (
        f'<html><head><link rel="stylesheet" href="/static/core/lindung.css"></head><body>'
        f'<p>Logo</p><img src="{LEAFLET_ICON}" alt=""><img src="{inline}" alt="">'
        f'<img src="static/vendor/leaflet/images/marker-shadow.png" alt=""></body></html>'
    )
    assert "Logo" in assert_no_leak(pdf.render_pdf(html), "no-marker", images=3)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///proc/self/environ",
        "FILE:///etc/hostname",
        "http://127.0.0.1:1/static/core/lindung.css",
        "https://example.org/static/core/lindung.css",
        "ftp://lindung.invalid/static/core/lindung.css",
        "http://lindung.invalid/static/core/lindung.css",  # right host, wrong scheme
        "https://lindung.invalid@evil.example/static/core/lindung.css",
        "https://lindung.invalid:8443/static/core/lindung.css",
        f"{pdf.BASE_URL}etc/passwd",  # what ../../etc/passwd resolves to
        f"{pdf.BASE_URL}lindung/config/settings.py",
        f"{pdf.BASE_URL}static/",
        f"{pdf.BASE_URL}static/core/",
        f"{pdf.BASE_URL}static/../config/settings.py",
        f"{pdf.BASE_URL}static/core/../../config/settings.py",
        f"{pdf.BASE_URL}static/%2e%2e/%2e%2e/config/settings.py",
        f"{pdf.BASE_URL}static/core/..%2f..%2fconfig%2fsettings.py",
        f"{pdf.BASE_URL}static//etc/passwd",
        f"{pdf.BASE_URL}static/core%5c..%5c..%5cconfig%5csettings.py",
        f"{pdf.BASE_URL}static/core/lindung.css%00.png",
        f"{pdf.BASE_URL}static/no/such/file.css",
        "data:text/plain;base64,c2VjcmV0",
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
        "data:image/png;base64,not base64!",
        "javascript:alert(1)",
        "relative/path.css",
        "",
    ],
)
def test_resolve_refuses(url):
    with pytest.raises(pdf.ResourceRefused):
        pdf.resolve(url)


def test_resolve_serves_static_files_with_their_type():
    body, content_type = pdf.resolve(f"{pdf.BASE_URL}static/core/lindung.css")
    assert content_type == "text/css" and body
    body, content_type = pdf.resolve(f"https://lindung.invalid{LEAFLET_ICON}?v=1#x")
    assert content_type == "image/png" and body.startswith(b"\x89PNG")


def test_resolve_refuses_a_symlink_out_of_a_static_folder(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (static / "inside.txt").write_text("public")
    (static / "link.txt").symlink_to(tmp_path / "secret.txt")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("probe", str(static))]
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        assert pdf.resolve(f"{pdf.BASE_URL}static/probe/inside.txt")[0] == b"public"
        with pytest.raises(pdf.ResourceRefused):
            pdf.resolve(f"{pdf.BASE_URL}static/probe/link.txt")
    finally:
        finders.get_finder.cache_clear()


def test_large_inline_images_are_refused():
    big = "data:image/png;base64," + base64.b64encode(b"\0" * (pdf.MAX_DATA_URL_BYTES + 1)).decode()
    with pytest.raises(pdf.ResourceRefused):
        pdf.resolve(big)


def test_a_page_of_only_refused_resources_still_renders():
    html = '<link rel="attachment" href="file:///etc/passwd"><img src="file:///etc/passwd">ok'
    data = pdf.render_pdf(html)
    import pypdf

    assert "ok" in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
