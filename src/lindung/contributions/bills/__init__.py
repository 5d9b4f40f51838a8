"""Employer bills: generation (``generate``), pages (``views``, ``urls``) and API (``api``)."""
