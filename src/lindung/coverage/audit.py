"""What coverage audits (docs/audit-events.md): refreshes of the monthly facts, loads of the
reference figures, and the edits of one reference point."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class CoverageAudit(AuditAction):
    """The values are stored in ``AuditLog.action``, so they never change."""

    REFRESH = "coverage.refresh", _("Coverage facts refreshed")
    LOAD_REFERENCE = "coverage.load_reference", _("Coverage reference figures loaded")
    POINT_CREATE = "coverage.point.create", _("Coverage reference figure added")
    POINT_UPDATE = "coverage.point.update", _("Coverage reference figure changed")
