from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicWorkersConfig(AppConfig):
    name = "lindung.publicworkers"
    label = "publicworkers"
    verbose_name = _("Public-sector and village workers")

    def ready(self) -> None:
        from lindung.core import home
        from lindung.publicworkers import signals  # noqa: F401 (reconcile after imports)
        from lindung.publicworkers.home import items as home_items
        from lindung.publicworkers.importers import register_kinds
        from lindung.publicworkers.panels import install as install_panels

        register_kinds()
        install_panels()  # the coverage dashboard's section (coverage.panels)
        home.register("publicworkers", home_items)  # its cards on the home page (core.home)
