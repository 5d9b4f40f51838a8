from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def rates(db) -> None:
    """The shipped rate tables (a request is priced by the contribution engine)."""
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
