"""What contributions audits (docs/audit-events.md)."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class ContributionsAudit(AuditAction):
    """Rate tables, employer bills and their payments."""

    LOAD_RATES = "contributions.load_rates", _("Contribution rate tables loaded")
    GENERATE_BILLS = "contributions.generate_bills", _("Employer bills generated")
    RECORD_PAYMENT = "contributions.record_payment", _("Bill payment recorded")
