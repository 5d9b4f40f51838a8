"""Compliance factories and the records the access matrix needs (filled by issue 8)."""

from __future__ import annotations

from typing import Any


def compliance_world(regions: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """Compliance records on both sides of the regency officer's border."""
    return {}
