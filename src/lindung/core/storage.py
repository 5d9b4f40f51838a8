"""Private file storage: uploads that are never served statically (downloads go through a view
that checks scope). Each app names the setting that may move its directory; the default is a
folder under VAR_DIR. Read from the settings on every access, so tests and deployments can move
it."""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection


class PrivateStorage(FileSystemStorage):
    setting = ""  # e.g. "COMPLIANCE_FILES_DIR"
    folder = ""  # e.g. "compliance", under VAR_DIR

    @property
    def base_location(self) -> str:  # type: ignore[override]
        root = getattr(settings, self.setting, None) or settings.VAR_DIR / self.folder
        return str(root)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)


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
