from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def rates(db) -> None:
    """The shipped rate tables (a request is priced by the contribution engine)."""
    call_command("contributions", "load-rates", "--format", "json", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def categories(db) -> None:
    """The categories and their default rules: a migration loads them, but a live-server
    test's flush on the same test database removes them, so every test makes sure."""
    from lindung.publicworkers.rules import load_categories

    load_categories()
