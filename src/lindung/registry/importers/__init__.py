"""The registry's import kinds: the BPJS employer extract (employers.py) and participant extract
(participants.py, with its set-based PostgreSQL path in bulk/). The participant file's format —
columns, vocabularies, defaults, identity rules — is format.py, shared by both paths."""

# Re-exported for code outside the registry app (programmes' enrolment confirmations, bench/)
# until it imports the modules themselves.
from lindung.registry.importers.employers import EmployerImporter
from lindung.registry.importers.format import parse_identity
from lindung.registry.importers.participants import ParticipantImporter

__all__ = ["EmployerImporter", "ParticipantImporter", "parse_identity"]
