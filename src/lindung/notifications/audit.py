"""What the notifications app audits (docs/audit-events.md). The values are stored in
``AuditLog.action``, so they never change.

Reading one's own notifications (mark one read, mark all read) is not audited: it changes only
the reader's own inbox, reveals nothing and touches no one else's record. Changing one's
preferences is, because switching off e.g. overdue-case e-mails changes what an office is told.
Creating notifications is not audited either: the service that caused them (a case moved, a job
done) records its own action in the same transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class NotificationAudit(AuditAction):
    PREFERENCES_CHANGE = "notifications.preferences.change", _("Notification preferences changed")
