"""What programmes audits (docs/audit-events.md): funders and their budgets, programmes and their
stages, candidates, selection runs, invoices and payments, the enrolment file for the branch, and
the imports of candidate lists, claims and enrolment confirmations."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class ProgrammesAudit(AuditAction):
    """The values are stored in ``AuditLog.action``, so they never change."""

    FUNDER_CREATE = "programmes.funder.create", _("Funder created")
    FUNDING_SOURCE_YEAR = "programmes.funding_source_year", _("Funding source budget set")
    PROGRAMME_CREATE = "programmes.programme.create", _("Programme created")
    PROGRAMME_MOVE = "programmes.programme.move", _("Programme moved to another stage")
    CANDIDATE_REGISTER = "programmes.candidate.register", _("Candidate registered")
    SELECTION_RUN = "programmes.selection.run", _("Selection run")
    SELECTION_APPROVE = "programmes.selection.approve", _("Selection approved")
    SELECTION_DISCARD = "programmes.selection.discard", _("Selection discarded")
    INVOICE_ISSUE = "programmes.invoice.issue", _("Programme invoice issued")
    INVOICE_PAYMENT = "programmes.invoice.payment", _("Programme invoice payment recorded")
    ENROLMENT_EXPORT = "programmes.enrolment.export", _("Enrolment file downloaded")
    IMPORT_CANDIDATES = "import.candidates", _("Candidates imported")
    IMPORT_CLAIMS = "import.claims", _("Claims imported")
    IMPORT_ENROLMENT_CONFIRMATIONS = (
        "import.enrolment_confirmations",
        _("Enrolment confirmations imported"),
    )
