"""The monthly coverage report: a PDF of the month just ended e-mailed to the officers who
subscribed, each with their own region only, once per month; and an officer's report on demand
is made by the worker for the regions they may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lindung.core.jobs.runtime import execute
from lindung.core.jobs.schedules import declared
from lindung.core.models import Job
from lindung.coverage.jobs import monthly_reports
from lindung.notifications.events import Channel, NotificationEvent
from lindung.notifications.models import Notification, Preference
from lindung.notifications.services import deliver_pending
from tests.coverage.test_pages import DAY, covered  # noqa: F401 - the fixture

EVENT = NotificationEvent.COVERAGE_MONTHLY_REPORT
DUE = "2024-07-01T06:00:00+07:00"  # the schedule's firing after June closed


def subscribe(user) -> None:
    Preference.objects.create(user=user, event=EVENT, channel=Channel.EMAIL, enabled=True)


@pytest.fixture
def officers(covered, make_user):  # noqa: F811
    people = {
        "regency": make_user("regency_officer", email="kab@example.test"),  # 18.71
        "village": make_user("village_operator", email="desa@example.test"),  # 18.71.01.1003
        "other": make_user("regency_officer", scope=["18.72"], email="lain@example.test"),
        "quiet": make_user("regency_officer", email="diam@example.test"),  # not subscribed
        "employer": make_user("employer", email="pt@example.test"),  # no coverage pages
    }
    for key in ("regency", "village", "other", "employer"):
        subscribe(people[key])
    return people


def test_subscribers_get_their_own_region_once(officers):
    result = monthly_reports(job=None, progress=lambda *a: None, due=DUE)
    assert result["month"] == DAY.isoformat()
    sent = {n.recipient_id: n for n in Notification.objects.filter(event=EVENT)}
    assert set(sent) == {officers[k].pk for k in ("regency", "village", "other")}
    assert sent[officers["regency"].pk].region_code == "18.71"
    assert sent[officers["village"].pk].region_code == "18.71.01.1003"
    assert sent[officers["other"].pk].region_code == "18.72"
    deliver_pending()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"kab@example.test", "desa@example.test", "lain@example.test"}
    regency = by_address["kab@example.test"]
    ((name, pdf, mimetype),) = regency.attachments
    assert (name, mimetype) == ("cakupan-18.71-2024-06.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF")
    assert "06/2024" in regency.subject
    # Run again (a retry, the next firing of a missed schedule): nobody is told twice.
    monthly_reports(job=None, progress=lambda *a: None, due=DUE)
    assert Notification.objects.filter(event=EVENT).count() == 3


def test_the_report_is_scheduled_after_the_month_close():
    schedules = {s.name: s for s in declared()}
    june = timezone.make_aware(dt.datetime(2024, 6, 30, 12, 0))
    report = schedules["monthly-coverage-report"].next_due(june)
    close = schedules["month-close"].next_due(june)
    assert (report.day, report.hour) == (1, 6) and close < report


def test_report_on_demand_only_for_regions_one_may_see(client, officers, settings):
    client.force_login(officers["other"])  # 18.72
    url = reverse("coverage:internal-report", kwargs={"code": "18.71", "fmt": "pdf"})
    assert client.post(url).status_code == 404
    assert not Job.objects.filter(kind="coverage.report").exists()
    client.force_login(officers["regency"])
    client.post(url)
    again = client.post(url, follow=True)  # one report of a region and format at a time
    assert "sedang berjalan" in again.content.decode()
    (job,) = Job.objects.filter(kind="coverage.report")
    assert execute(job.pk) == "done" and job_pdf(client, job).startswith(b"%PDF")


def job_pdf(client, job) -> bytes:
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)
