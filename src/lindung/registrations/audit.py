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
    HANDOFF = "registrations.handoff", _("A worker's choice when their funding ends recorded")
    IMPORT_CONFIRMATIONS = (
        "registrations.import_confirmations",
        _("The branch's registration confirmations imported"),
    )


class WorkerChangeAudit(AuditAction):
    WAGE = "registrations.change.wage", _("Wage change reported by the employer")
    EXIT = "registrations.change.exit", _("Worker exit reported by the employer")


class EmployerImportAudit(AuditAction):
    IMPORT = "import.employer_registrations", _("Employer's file of workers to register imported")
