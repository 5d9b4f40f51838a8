from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "lindung.compliance"
    label = "compliance"
    verbose_name = _("Employer compliance")

    def ready(self) -> None:
        from lindung.compliance.importers import BusinessRegistryImporter
        from lindung.core.imports.kinds import register
        from lindung.core.roles import Capability

        register(
            BusinessRegistryImporter,
            _("Business registry (OSS/NIB, WLKP headcounts)"),
            Capability.MANAGE_COMPLIANCE,
        )
