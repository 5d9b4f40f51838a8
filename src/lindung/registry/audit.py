"""What the registry audits (docs/audit-events.md): every look at personal data (reveals, exact-NIK
lookups, exports) and every import of a BPJS extract."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class RegistryAudit(AuditAction):
    """The values are stored in ``AuditLog.action``, so they never change."""

    PERSON_REVEAL = "registry.person.reveal", _("Personal data revealed")
    PERSON_LOOKUP = "registry.person.lookup", _("Person looked up by NIK")
    EMPLOYERS_EXPORT = "registry.employers.export", _("Employers exported")
    PERSONS_EXPORT = "registry.persons.export", _("Persons exported")
    MEMBERSHIPS_EXPORT = "registry.memberships.export", _("Memberships exported")
    IMPORT_PARTICIPANTS = "import.participants", _("Participant extract imported")
    IMPORT_EMPLOYERS = "import.employers", _("Employer extract imported")


# The action of each export kind (services.EXPORT_KINDS).
EXPORT_ACTIONS = {
    "employers": RegistryAudit.EMPLOYERS_EXPORT,
    "persons": RegistryAudit.PERSONS_EXPORT,
    "memberships": RegistryAudit.MEMBERSHIPS_EXPORT,
}
