"""Sources as people read them: a short title with the address behind it, not a raw URL.

The reference files name their sources as free text, usually ``URL (publisher, date; note)``,
several joined with `` ; ``, sometimes after a ``DERIVED: …`` explanation and with citation
markers of docs/domain.md (``[77]``, ``domain.md §7.2``). :func:`source_links` turns such a text
into links whose title is the parenthesised publisher (else the site's name), without the
markers; text without an address stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_URL = re.compile(r"https?://[^\s()<>]+(?:\s[^\s()<>;]+(?=/))*[^\s()<>;,.]*")
_MARKERS = re.compile(r"\s*(?:\[\d+\])+|\s*\(?\s*domain\.md\s*§[\d.]+\s*(?:\[\d+\])*\s*\)?;?")
TITLE_MAX = 80


@dataclass(frozen=True)
class SourceLink:
    title: str
    url: str = ""  # blank: plain text


def without_markers(text: str) -> str:
    """``text`` without citation markers (``[77]``) and references to domain.md sections."""
    cleaned = _MARKERS.sub("", text or "")
    return re.sub(r"\(\s*;?\s*\)", "", cleaned).strip(" ;")


def _site(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.").removeprefix("m.")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1].rstrip() + "…"


def _title(after: str) -> str:
    """The publisher named in the first parentheses after an address: of its ``;`` parts the
    longest, without "cites"/"citing" (a licence or "rounded" is not a title)."""
    start = after.find("(")
    if start < 0:
        return ""
    depth, end = 0, len(after)
    for i, char in enumerate(after[start:], start):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            end = i
            break
    parts = [p.strip() for p in without_markers(after[start + 1 : end]).split(";")]
    best = max(parts, key=len, default="")
    return re.sub(r"^(?:cites|citing)\s+", "", best, flags=re.IGNORECASE)


def source_links(text: str, url: str = "") -> list[SourceLink]:
    """The sources named in ``text`` (plus ``url`` when the row stores its link apart)."""
    text = without_markers(text)
    if url and not _URL.search(text):
        return [SourceLink(_short(text) or _site(url), url)]
    links: list[SourceLink] = []
    notes: list[SourceLink] = []
    for part in re.split(r"\s;\s|;\s(?=https?://)", text):
        part = part.strip()
        if not part:
            continue
        found = _URL.search(part)
        if found is None:
            notes.append(SourceLink(_short(part)))
            continue
        address = found.group(0).split(" ")[0]
        title = _title(part[found.end() :])
        site = _site(address)
        links.append(SourceLink(_short(f"{title} ({site})" if title else site), address))
    # An explanation beside addresses ("DERIVED: …") is the file's note, not a source.
    links = links or notes
    seen: set[tuple[str, str]] = set()
    unique = []
    for link in links:
        if (link.title, link.url) not in seen:
            seen.add((link.title, link.url))
            unique.append(link)
    return unique
