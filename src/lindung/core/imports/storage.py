"""Where import uploads and their lock files live (``core.storage.database_key`` tells apart
the jobs of different databases sharing that folder)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def upload_folder() -> Path:
    folder = Path(settings.IMPORT_FILES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
