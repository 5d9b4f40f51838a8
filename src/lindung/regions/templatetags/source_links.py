"""``{% sources text url %}``: a source as short titles with their links (regions.sources), for
every page that names where a figure comes from (regions, coverage)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lindung.regions.sources import source_links

register = template.Library()


@register.simple_tag
def sources(text: str, url: str = "") -> SafeString:
    links = source_links(text or "", url or "")
    return format_html_join(
        "; ",
        "{}",
        (
            (
                format_html(
                    '<a href="{}" rel="noopener" target="_blank">{}</a>', link.url, link.title
                )
                if link.url
                else link.title,
            )
            for link in links
        ),
    )
