from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "lindung.coverage"
    label = "coverage"
    verbose_name = _("Coverage")

    def ready(self) -> None:
        from lindung.coverage import signals  # noqa: F401 - connects the import hook
