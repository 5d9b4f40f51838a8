from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorshipConfig(AppConfig):
    name = "lindung.sponsorship"
    label = "sponsorship"
    verbose_name = _("CSR sponsorship")
    default_auto_field = "django.db.models.BigAutoField"
