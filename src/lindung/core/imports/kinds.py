"""Which importers exist: apps register theirs in ``AppConfig.ready`` so core needs no app.
Each kind names the capability an uploader needs (BPJS extracts, social-registry lists…)."""

from __future__ import annotations

from typing import Any

from lindung.core.imports.pipeline import Importer
from lindung.core.roles import Capability

_IMPORTERS: dict[str, tuple[type[Importer], str, str]] = {}


def register(
    importer: type[Importer], label: str, capability: str = Capability.IMPORT_REGISTRY
) -> None:
    _IMPORTERS[importer.kind] = (importer, label, capability)


def importer_for(kind: str) -> Importer:
    return _IMPORTERS[kind][0]()


def capability_for(kind: str) -> str:
    return _IMPORTERS[kind][2]


def writes_memberships(kind: str) -> bool:
    """Whether a done import of this kind changes memberships (an unknown kind does not)."""
    entry = _IMPORTERS.get(kind)
    return entry is not None and entry[0].writes_memberships


def choices() -> list[tuple[str, str]]:
    return [(kind, label) for kind, (_, label, _cap) in sorted(_IMPORTERS.items())]


def choices_for(user: Any) -> list[tuple[str, str]]:
    """The kinds this user may upload."""
    from lindung.core.permissions import has_capability

    return [
        (kind, label)
        for kind, (_, label, capability) in sorted(_IMPORTERS.items())
        if has_capability(user, capability)
    ]
