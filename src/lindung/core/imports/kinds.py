"""Which importers exist: apps register theirs in ``AppConfig.ready`` so core needs no app."""

from __future__ import annotations

from lindung.core.imports.pipeline import Importer

_IMPORTERS: dict[str, tuple[type[Importer], str]] = {}


def register(importer: type[Importer], label: str) -> None:
    _IMPORTERS[importer.kind] = (importer, label)


def importer_for(kind: str) -> Importer:
    return _IMPORTERS[kind][0]()


def choices() -> list[tuple[str, str]]:
    return [(kind, label) for kind, (_, label) in sorted(_IMPORTERS.items())]
