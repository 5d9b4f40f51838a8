from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "lindung.registrations"
    label = "registrations"
    verbose_name = _("Registrations")

    def ready(self) -> None:
        from lindung.compliance import responses
        from lindung.core import home
        from lindung.registrations.home import items as home_items
        from lindung.registrations.importers import register_kinds
        from lindung.registrations.selectors import employer_response

        register_kinds()
        responses.provide(employer_response)
        home.register("registrations", home_items)  # its cards on the home page (core.home)
