"""Planner statistics are refreshed after bulk writes (see lindung.core.db)."""

from __future__ import annotations

import pytest
from django.db import connection

from lindung.core.db import refresh_planner_statistics
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.engine


@pytest.mark.django_db
def test_refresh_planner_statistics_records_table_statistics() -> None:
    for code in ("18", "18.71", "18.72"):
        RegionFactory(code=code)
    refresh_planner_statistics(["regions_region"])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'regions_region'")
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_user_tables "
                "WHERE relname = 'regions_region' AND last_analyze IS NOT NULL"
            )
        assert cursor.fetchone()[0] >= 1
