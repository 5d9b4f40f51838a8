"""What the public-sector and village worker register audits (docs/audit-events.md)."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class PublicWorkerAudit(AuditAction):
    BODY = "publicworkers.body", _("Paying body created or changed")
    SAVE = "publicworkers.save", _("Public-sector or village worker entered or changed")
    REMOVE = "publicworkers.remove", _("Public-sector or village worker taken off the register")
    RULE = "publicworkers.rule", _("A regency's category rule set")
    BUDGET = "publicworkers.budget", _("Budget line for public-sector worker contributions set")
    RECONCILE = "publicworkers.reconcile", _("Register reconciled with the registry")
    SEND = "publicworkers.send", _("Uncovered public-sector workers sent as registration requests")
    REPORT = "publicworkers.report", _("Inpres 2/2021 monitoring table downloaded")
    IMPORT = "import.public_workers", _("Register of public-sector and village workers imported")
