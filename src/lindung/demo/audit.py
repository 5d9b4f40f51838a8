"""What the demo builder audits (docs/audit-events.md). The demo writes through the apps'
services where they exist; its own bulk writes (the synthetic registry, the demo payments, the
demo employer's owner) are recorded with these actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class DemoAudit(AuditAction):
    """What the demo audits; the values are stored, so they never change."""

    BUILD = "demo.build", _("Demo registry built")
    # The demo programmes enrolled members: the reuse marker records the counts they leave.
    BUILD_PROGRAMMES = "demo.build.programmes", _("Demo programmes added to the registry")
    LINK_EMPLOYER = "demo.link_employer", _("Demo employer account linked to a company")
    # Stored under compliance's prefix since the demo payments were first written there.
    COMPLIANCE_PAYMENTS = "compliance.demo_payments", _("Demo contribution payments recorded")
