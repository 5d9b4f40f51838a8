from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def rates(db) -> None:
    """The shipped rate tables, loaded through the CLI as `make demo` would."""
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())
