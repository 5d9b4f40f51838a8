from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "lindung.programmes"
    label = "programmes"
    verbose_name = _("Subsidy programmes")

    def ready(self) -> None:
        from lindung.core import home
        from lindung.core.imports.kinds import register
        from lindung.core.roles import Capability
        from lindung.programmes.home import items as home_items
        from lindung.programmes.importers.candidates import CandidateImporter
        from lindung.programmes.importers.claims import ClaimImporter
        from lindung.programmes.importers.confirmations import ConfirmationImporter

        register(
            CandidateImporter,
            _("Social-registry candidates (DTSEN/DTKS/P3KE list)"),
            Capability.REGISTER_CANDIDATES,
        )
        register(
            ConfirmationImporter,
            _("Enrolment confirmations from the BPJS branch"),
            Capability.ENROL_BENEFICIARIES,
        )
        register(
            ClaimImporter,
            _("Benefit claims paid (JKK, JKM, JHT) from the BPJS branch"),
            Capability.ENROL_BENEFICIARIES,
        )
        home.register("programmes", home_items)  # its cards on the home page (core.home)
