from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "lindung.compliance"
    label = "compliance"
    verbose_name = _("Employer compliance")

    def ready(self) -> None:
        from lindung.compliance.home import items as home_items
        from lindung.compliance.importers import BusinessRegistryImporter
        from lindung.core import home
        from lindung.core.imports.kinds import register
        from lindung.core.roles import Capability

        register(
            BusinessRegistryImporter,
            _("Business registry (OSS/NIB, WLKP headcounts)"),
            Capability.MANAGE_COMPLIANCE,
        )
        home.register("compliance", home_items)  # its cards on the home page (core.home)
