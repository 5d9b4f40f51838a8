from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "lindung.award"
    label = "award"
    verbose_name = _("Paritrana Award")
    default_auto_field = "django.db.models.BigAutoField"
