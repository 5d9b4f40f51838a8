"""What sponsorship audits (docs/audit-events.md)."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class SponsorshipAudit(AuditAction):
    """Sponsors, their sites and pledges, and matching runs."""

    SPONSOR_CREATE = "sponsorship.sponsor.create", _("Sponsor created")
    SITE_CREATE = "sponsorship.site.create", _("Sponsor site created")
    PLEDGE_CREATE = "sponsorship.pledge.create", _("Pledge made")
    MATCH_RUN = "sponsorship.match.run", _("Pledges matched to workers")
    MATCH_ACCEPT = "sponsorship.match.accept", _("Matching accepted")
    MATCH_DISCARD = "sponsorship.match.discard", _("Matching discarded")
