from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lindung.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from lindung.core import home
        from lindung.core.text import install_field_validators

        # Every form and serializer CharField refuses control characters (core/text.py).
        install_field_validators()
        home.register("core", home.core_items)  # the audit log, jobs and imports (core.home)
