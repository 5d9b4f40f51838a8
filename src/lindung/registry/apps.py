from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "lindung.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from lindung.core.imports.kinds import register
        from lindung.registry.importers.employers import EmployerImporter
        from lindung.registry.importers.participants import ParticipantImporter

        register(EmployerImporter, _("BPJS employer extract"))
        register(ParticipantImporter, _("BPJS participant extract (one row per membership)"))
