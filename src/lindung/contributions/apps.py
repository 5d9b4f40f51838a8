from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "lindung.contributions"
    label = "contributions"
    verbose_name = _("Contributions")

    def ready(self) -> None:
        from lindung.contributions.home import items as home_items
        from lindung.core import home

        home.register("contributions", home_items)  # its cards on the home page (core.home)
