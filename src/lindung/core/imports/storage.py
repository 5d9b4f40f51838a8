"""Where import uploads and their lock files live, and the key that tells apart the jobs of
different databases sharing that folder (tests, the demo and production on one machine)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.db import connection


def upload_folder() -> Path:
    folder = Path(settings.IMPORT_FILES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def database_key() -> str:
    """Twelve hex digits naming the database (its file, or its server and name; an in-memory
    one is this process's own)."""
    db = connection.settings_dict
    name = str(db.get("NAME") or "")
    if connection.vendor == "sqlite":
        in_memory = "memory" in name or not name
        name = f"{name}|{os.getpid()}" if in_memory else os.path.abspath(name)
    else:
        name = f"{db.get('HOST')}|{db.get('PORT')}|{name}"
    return hashlib.sha256(f"{connection.vendor}|{name}".encode()).hexdigest()[:12]
