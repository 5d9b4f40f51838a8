"""The daily look for programme funding that ends within 30 days: the funder's staff are told
once per end date."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.core.roles import Role
from lindung.notifications.models import Notification
from lindung.programmes.jobs import funding_ending
from lindung.programmes.models import Programme
from tests.accounts.factories import OrganisationFactory
from tests.programmes.factories import make_programme

pytestmark = [pytest.mark.django_db]


def run(day: dt.date) -> dict:
    return funding_ending(job=None, progress=lambda *a: None, due=f"{day}T07:30:00+07:00")


def test_the_funder_is_told_once_when_funding_ends_within_30_days(region_tree, rates, make_user):
    organisation = OrganisationFactory()
    staff = make_user(Role.PROVINCE_OFFICER, scope=["18"], organisation=organisation)
    programme = make_programme(region_tree["18.71"])  # Aug–Dec 2025: funded to 31 December
    programme.funder.organisation = organisation
    programme.funder.save(update_fields=["organisation"])
    Programme.objects.filter(pk=programme.pk).update(status="paying")
    assert run(dt.date(2025, 11, 30)) == {"notified": 0}  # 31 days left
    assert run(dt.date(2025, 12, 1)) == {"notified": 1}
    notice = Notification.objects.get(recipient=staff)
    assert notice.event == "programmes.funding_ending" and "31" in notice.body_id
    assert run(dt.date(2025, 12, 2)) == {"notified": 0}  # told already
    Programme.objects.filter(pk=programme.pk).update(status="closed")
    assert run(dt.date(2025, 12, 20)) == {"notified": 0}
