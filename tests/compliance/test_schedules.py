"""The declared schedules under a controlled clock (lindung/config/schedules.py): the month close
recomputes the month that ended, and a case step that becomes overdue tells its inspector and
the employer's portal users once — not again when the schedule runs the next day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from lindung.compliance import services
from lindung.core.jobs import schedules
from lindung.core.models import Job, JobState
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM
from lindung.coverage.models import CoverageMonth
from lindung.notifications.models import Notification
from lindung.notifications.services import deliver_pending
from tests.compliance.test_cases import case, employer  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db]
TZ = timezone.get_fixed_timezone(7 * 60)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=TZ)


@pytest.fixture
def clock(settings):
    settings.LINDUNG_JOBS_INLINE = True
    schedules.run_due(at(2025, 7, 10, 12, 0))  # the schedules start counting here
    return schedules.run_due


def test_the_month_close_fires_on_the_first_and_recomputes_the_month_that_ended(clock) -> None:
    assert "month-close" not in clock(at(2025, 7, 31, 23, 0))
    assert "month-close" in clock(at(2025, 8, 1, 0, 20))
    job = Job.objects.get(kind="schedule.month-close")
    assert job.state == JobState.DONE and job.result["month"] == "2025-07-31"
    assert CoverageMonth.objects.filter(month=dt.date(2025, 7, 31), stale=False).exists()
    assert "month-close" not in clock(at(2025, 8, 2, 0, 20))  # once a month


def test_an_overdue_step_notifies_its_inspector_once(clock, case, make_user) -> None:  # noqa: F811
    inspector = make_user(Role.BPJS_BRANCH, email="pemeriksa@example.org")
    services.assign_case(actor=SYSTEM, case=case, assignee=inspector)
    assert case.due_date == dt.date(2025, 7, 15)
    assert "overdue-case-steps" in clock(at(2025, 7, 15, 7, 5))  # due today: not overdue yet
    assert not Notification.objects.filter(recipient=inspector).exists()
    assert "overdue-case-steps" in clock(at(2025, 7, 16, 7, 5))
    notice = Notification.objects.get(recipient=inspector)
    assert notice.event == "compliance.case_overdue" and case.number in notice.title_id
    deliver_pending()
    assert [m.to for m in mail.outbox] == [["pemeriksa@example.org"]]
    assert "overdue-case-steps" in clock(at(2025, 7, 17, 7, 5))  # the next day: told already
    assert Notification.objects.filter(recipient=inspector).count() == 1
    # A new step brings a new deadline, and a new notice once that one passes.
    moved = services.move_case(actor=SYSTEM, case=case, to="reminder", on=dt.date(2025, 7, 17))
    clock(
        at(moved.due_date.year, moved.due_date.month, moved.due_date.day, 7, 5)
        + dt.timedelta(days=1)
    )
    assert Notification.objects.filter(recipient=inspector).count() == 2


def test_checks_and_matchings_started_from_the_web_answer_at_once(
    client,
    make_user,
    region_tree,
    employer,  # noqa: F811
) -> None:
    """The page queues the work and shows its job; it never waits for the run."""
    import time

    from django.urls import reverse

    officer = make_user(Role.PROVINCE_OFFICER, scope=["18"])
    client.force_login(officer)
    for name in ("compliance:runs", "sponsorship:matches"):
        started = time.perf_counter()
        answer = client.post(reverse(name), {"region": "18"})
        elapsed = time.perf_counter() - started
        assert answer.status_code == 302 and answer.url.startswith("/tugas/"), (name, answer.url)
        assert elapsed < 0.3, (name, elapsed)
        page = client.get(answer.url)
        assert page.status_code == 200 and 'id="job-progress"' in page.content.decode()
    assert set(Job.objects.values_list("kind", "state")) == {
        ("compliance.run", "queued"),
        ("sponsorship.match", "queued"),
    }


def test_a_letter_tells_the_employers_portal_users(case, employer, make_user) -> None:  # noqa: F811
    from tests.accounts.factories import OrganisationFactory

    organisation = OrganisationFactory()
    staff = make_user(Role.EMPLOYER, organisation=organisation, email="hrd@example.org")
    employer.owner = organisation
    employer.save(update_fields=["owner"])
    case = services.move_case(actor=SYSTEM, case=case, to="reminder", on=dt.date(2025, 7, 2))
    letter = services.issue_letter(actor=SYSTEM, case=case, kind="reminder", on=dt.date(2025, 7, 2))
    notice = Notification.objects.get(recipient=staff)
    assert notice.event == "compliance.letter_issued" and letter.number in notice.body_id
    deliver_pending()
    assert mail.outbox[-1].to == ["hrd@example.org"]
