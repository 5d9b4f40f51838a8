"""Sections the apps above coverage add to the internal coverage dashboard.

The dashboard of a region is the officer's view of that region; some of what belongs there lives
in apps that sit above coverage in the import layers (e.g. the register of public-sector and
village workers, issue 21). Rather than reach up, coverage declares a slot: an app installs a
provider when Django starts (its ``AppConfig.ready``), and the dashboard renders whatever
:class:`Panel` each provider returns for the reader, the region and the day. A provider returns
None when the reader may not see its section. Without providers the page has no extra sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Panel:
    """One section: ``template`` is included in the dashboard with ``panel`` set to this."""

    key: str  # the section's HTML id
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[[Any, str, dt.date], Panel | None]
_providers: dict[str, Provider] = {}


def provide(key: str, provider: Provider) -> None:
    """Install (or replace) the provider named ``key`` (called from an app's ``ready``)."""
    _providers[key] = provider


def panels_for(user: Any, code: str, day: dt.date) -> list[Panel]:
    """The sections ``user`` sees on the internal dashboard of region ``code`` on ``day``, in
    the order their providers were installed."""
    found = (provider(user, code, day) for provider in _providers.values())
    return [panel for panel in found if panel is not None]
