from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorshipConfig(AppConfig):
    name = "lindung.sponsorship"
    label = "sponsorship"
    verbose_name = _("CSR sponsorship")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lindung.core import home
        from lindung.sponsorship.home import items as home_items

        home.register("sponsorship", home_items)  # its cards on the home page (core.home)
