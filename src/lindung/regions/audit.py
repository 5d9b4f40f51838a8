"""What regions audits (docs/audit-events.md): one row per loaded reference file."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class RegionsAudit(AuditAction):
    """Loads of the region reference files, each with the file's hash and counts."""

    LOAD = "regions.load", _("Regions loaded")
    LOAD_BOUNDARIES = "regions.load_boundaries", _("Region boundaries loaded")
    LOAD_CROSSWALK = "regions.load_crosswalk", _("BPS code crosswalk loaded")
    LOAD_WORKER_POPULATIONS = "regions.load_worker_populations", _("Worker populations loaded")
    LOAD_MINIMUM_WAGES = "regions.load_minimum_wages", _("Minimum wages loaded")
