"""The inbox, marking read, preferences and the bell: each user sees only their own notices."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from lindung.core.models import AuditLog
from lindung.core.roles import Role
from lindung.notifications import services
from lindung.notifications.audit import NotificationAudit
from lindung.notifications.events import Channel, NotificationEvent
from lindung.notifications.models import Contact, Notification, Preference
from tests.conftest import new_user
from tests.notifications.factories import notification_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.notifications.urls")]

API = "/api/v1/notifications/"


def tell(user, label: str, event=NotificationEvent.JOB_DONE):
    return services.notify(event=event, recipients=[user], context={"job_label": label})[0]


def test_inbox_and_api_list_only_ones_own(client, officer, colleague):
    mine = tell(officer, "Impor Siti")
    tell(colleague, "Impor Budi")
    client.force_login(officer)
    page = client.get(reverse("notifications:index"))
    assert page.status_code == 200
    assert "Impor Siti" in page.text and "Impor Budi" not in page.text
    data = client.get(API).json()
    assert [r["id"] for r in data["results"]] == [mine.pk]
    assert data["results"][0]["title"] == "Pekerjaan selesai: Impor Siti"


def test_unread_filter_is_the_same_on_page_and_api(client, officer):
    old = tell(officer, "Lama")
    new = tell(officer, "Baru", NotificationEvent.JOB_FAILED)
    services.mark_read(actor=officer, notification_id=old.pk)
    client.force_login(officer)
    for params, expected in [
        ({}, [new.pk, old.pk]),
        ({"unread": "1"}, [new.pk]),
        ({"unread": "0"}, [new.pk, old.pk]),
        ({"event": "job.done"}, [old.pk]),
    ]:
        api = [r["id"] for r in client.get(API, params).json()["results"]]
        page = client.get(reverse("notifications:index"), params).context["page"]
        assert api == [n.pk for n in page] == expected, params


@pytest.mark.parametrize("params", [{"unread": "maybe"}, {"event": "nope"}])
def test_bad_filter_is_400_with_a_message(client, officer, params):
    client.force_login(officer)
    page = client.get(reverse("notifications:index"), params)
    assert page.status_code == 400 and "filter-errors" in page.text
    assert client.get(API, params).status_code == 400


def test_mark_read_and_mark_all(client, officer):
    a, b = tell(officer, "A"), tell(officer, "B")
    client.force_login(officer)
    response = client.post(reverse("notifications:read", args=[a.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:index")
    a.refresh_from_db()
    assert a.read_at is not None
    response = client.post(reverse("notifications:read-all"), {"next": "/kepatuhan/"})
    assert response.url == "/kepatuhan/"
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
    b.refresh_from_db()
    # An outside "next" is ignored.
    response = client.post(reverse("notifications:read-all"), {"next": "https://evil.example/"})
    assert response.url == reverse("notifications:index")
    # Reading one's own notices writes no audit row.
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("role", Role.values)
def test_anothers_notification_is_404_for_every_role(client, officer, role):
    notice = notification_of(officer)
    client.force_login(new_user(role))
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    assert client.post(reverse("notifications:read-all")).status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is None


def test_anonymous_is_sent_to_log_in(client, officer):
    notice = notification_of(officer)
    for url in (reverse("notifications:index"), reverse("notifications:preferences")):
        assert client.get(url).url.startswith(reverse("accounts:login"))
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 302
    assert client.get(API).status_code == 401


def test_bell_shows_the_unread_count(officer, colleague):
    tell(officer, "A")
    tell(officer, "B")
    tell(colleague, "C")
    template = Template('{% include "notifications/_bell.html" %}')
    request = RequestFactory().get("/")
    request.user = officer
    html = template.render(Context({"request": request, "user": officer}))
    assert 'aria-label="2 unread notifications"' in html or "2 notifikasi" in html
    assert 'id="notifications-unread"' in html and ">2<" in html
    services.mark_all_read(actor=officer)
    request = RequestFactory().get("/")
    request.user = officer
    html = template.render(Context({"request": request, "user": officer}))
    assert "notifications-unread" not in html


def test_bell_label_in_english(client, officer):
    from django.utils import translation

    tell(officer, "A")
    request = RequestFactory().get("/")
    request.user = officer
    with translation.override("en"):
        html = Template('{% include "notifications/_bell.html" %}').render(
            Context({"request": request, "user": officer})
        )
    assert 'aria-label="1 unread notification"' in html


def test_preferences_page_saves_through_the_service(client, officer):
    client.force_login(officer)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    # Defaults: overdue-case e-mail on, monthly report off.
    assert (
        'name="compliance__case_overdue__email" id="id_compliance__case_overdue__email" checked'
        in page.text
    )
    assert (
        'name="coverage__monthly_report__email" id="id_coverage__monthly_report__email" aria'
        in page.text
    )
    response = client.post(
        reverse("notifications:preferences"),
        {
            "coverage__monthly_report__email": "on",
            "job__done__sms": "on",
            "phone": "0812 3456 7890",
        },
    )
    assert response.status_code == 302
    chosen = dict(
        ((e, c), v) for e, c, v in
        Preference.objects.filter(user=officer).values_list("event", "channel", "enabled")
    )  # fmt: skip
    assert chosen[(NotificationEvent.COVERAGE_MONTHLY_REPORT, Channel.EMAIL)] is True
    assert chosen[(NotificationEvent.CASE_OVERDUE, Channel.EMAIL)] is False
    assert chosen[(NotificationEvent.JOB_DONE, Channel.SMS)] is True
    assert Contact.objects.get(user=officer).phone == "081234567890"
    [entry] = AuditLog.objects.filter(action=NotificationAudit.PREFERENCES_CHANGE)
    assert "081234567890" not in str(entry.after) and entry.after["phone_changed"] is True


def test_bad_phone_is_400_bilingual(client, officer):
    client.force_login(officer)
    response = client.post(reverse("notifications:preferences"), {"phone": "12ab"})
    assert response.status_code == 400
    assert "Nomor ponsel" in response.text and "Mobile number" in response.text
    assert not AuditLog.objects.exists()
