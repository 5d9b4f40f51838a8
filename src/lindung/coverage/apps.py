from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "lindung.coverage"
    label = "coverage"
    verbose_name = _("Coverage")

    def ready(self) -> None:
        from lindung.core import home
        from lindung.coverage import signals  # noqa: F401 - connects the import hook
        from lindung.coverage.home import items as home_items

        home.register("coverage", home_items)  # its cards on the home page (core.home)
