"""The employer's answer to a case, told by the apps above compliance.

A case's employer answers by registering its workers, and registration requests live in the
registrations app, which sits above compliance in the import layers. Rather than reach up,
compliance declares what it wants to show (an :class:`EmployerResponse`) and the registrations
app provides it when Django starts (``RegistrationsConfig.ready``). Without a provider (an
installation without registrations) the case page simply shows no response panel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ResponseRow:
    """One open request, without personal data: the case page is read by every compliance
    officer of the area, who needs to know that a request is on its way, not whose."""

    reference: str
    status: str
    status_label: str
    submitted_on: dt.date
    first_month: dt.date


@dataclass(frozen=True)
class EmployerResponse:
    open_count: int = 0
    confirmed_since_opened: int = 0
    rejected_since_opened: int = 0
    open_rows: Sequence[ResponseRow] = field(default_factory=tuple)


Provider = Callable[[Any, Sequence[int], dt.date], EmployerResponse]
_provider: Provider | None = None


def provide(provider: Provider) -> None:
    """Install the one provider (called from an app's ``ready``)."""
    global _provider
    _provider = provider


def response_for(user: Any, employer_ids: Sequence[int], since: dt.date) -> EmployerResponse | None:
    """The requests of these employers open now, and those decided on or after ``since`` (the
    case's opening day), as ``user`` may count them; None when no app provides them."""
    if _provider is None:
        return None
    if not employer_ids:
        return EmployerResponse()
    return _provider(user, employer_ids, since)
