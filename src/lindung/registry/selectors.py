"""Reads for the registry. Every function takes the acting user and starts from ``for_actor``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def active_on(day: dt.date, prefix: str = "") -> Q:
    """THE definition of "active on a day" (DESIGN.md §8): start_date <= day < end_date, or open.

    ``prefix`` reaches memberships through a relation, e.g. ``"memberships__"`` from Person.
    Facts, programmes, compliance and the award all use this one function.
    """
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )
