"""What the compliance app audits (docs/audit-events.md). The values are stored in
``AuditLog.action``, so they never change."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class ComplianceAudit(AuditAction):
    """What compliance audits: check runs, case steps, letters, templates, the business registry."""

    RUN = "compliance.run", _("Compliance checks run")
    CASE_OPEN = "compliance.case.open", _("Compliance case opened")
    CASE_MOVE = "compliance.case.move", _("Compliance case moved to another step")
    CASE_ASSIGN = "compliance.case.assign", _("Compliance case assigned")
    CASE_NOTE = "compliance.case.note", _("Note added to a compliance case")
    CASE_ATTACH = "compliance.case.attach", _("File attached to a compliance case")
    LETTER_ISSUE = "compliance.letter.issue", _("Compliance letter issued")
    LETTER_TEMPLATE_EDIT = "compliance.letter_template.edit", _("Letter template edited")
    # Recorded by the core import pipeline when a business registry file is imported.
    IMPORT_BUSINESS_REGISTRY = "import.business_registry", _("Business registry imported")
