from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "lindung.award"
    label = "award"
    verbose_name = _("Paritrana Award")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lindung.award.home import items as home_items
        from lindung.core import home

        home.register("award", home_items)  # its cards on the home page (core.home)
