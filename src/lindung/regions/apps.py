from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "lindung.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        # The import kind of district and village population figures (docs/data-formats.md).
        from lindung.regions.importers import register_kinds

        register_kinds()
