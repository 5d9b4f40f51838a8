"""Notification pages and API × roles. Every logged-in role has an inbox and preferences (200);
anonymous visitors are sent to log in (302; the API answers 401). A notification is its
recipient's alone: the matrix's notice belongs to the regency officer, so marking it read is a
redirect (302) for them and 404 for every other role, the administrator included. Reading one's
own notices is not audited (``notifications.audit``); saving preferences is."""

from lindung.notifications.audit import NotificationAudit
from tests.access import ANONYMOUS, LOGGED_IN, Route, for_roles, statuses
from tests.notifications.factories import OWNER_ROLE, matrix_notification

API_ANON = 401

ROUTES = [
    Route("notifications:index", for_roles(LOGGED_IN)),
    Route("notifications:index", for_roles(LOGGED_IN), query={"unread": "1"}),
    Route("notifications:preferences", for_roles(LOGGED_IN)),
    Route(
        "notifications:preferences",
        for_roles(LOGGED_IN, ok=302),
        method="post",
        data={"job__done__email": "on", "phone": ""},
        audits=(NotificationAudit.PREFERENCES_CHANGE,),
    ),
    Route(
        "notifications:read",
        statuses(404, **{OWNER_ROLE: 302, ANONYMOUS: 302}),
        kwargs=matrix_notification,
        method="post",
        audits=(),
    ),
    Route("notifications:read-all", for_roles(LOGGED_IN, ok=302), method="post", audits=()),
    Route("api:notification-list", for_roles(LOGGED_IN, anonymous=API_ANON)),
    Route(
        "api:notification-detail",
        statuses(404, **{OWNER_ROLE: 200, ANONYMOUS: API_ANON}),
        kwargs=matrix_notification,
    ),
]
