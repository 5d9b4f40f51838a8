"""Language helpers shared by every app: messages are Indonesian first, English second."""

from __future__ import annotations


def bilingual(indonesian: str, english: str) -> str:
    """A message shown to users, Indonesian first and English second (``"… / …"``)."""
    return f"{indonesian} / {english}"
