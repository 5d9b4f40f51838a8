"""Writes of the programmes app, one module per sub-domain mirroring ``models/``: ``plans``,
``selection``, ``enrolment``, ``money``, ``links``."""
