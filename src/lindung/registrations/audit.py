"""What the registrations app audits: every step of a request (docs/audit-events.md)."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class RegistrationAudit(AuditAction):
    SUBMIT = "registrations.submit", _("Registration request submitted")
    CHECK = "registrations.check", _("Registration request checked by an officer")
    SEND = "registrations.send", _("Registration requests sent to the branch")
    CONFIRM = "registrations.confirm", _("Registration confirmed by the branch")
    REJECT = "registrations.reject", _("Registration rejected by the branch")
    WITHDRAW = "registrations.withdraw", _("Registration request withdrawn")
