"""Private file storage: uploads that are never served statically (downloads go through a view
that checks scope). Each app names the setting that may move its directory; the default is a
folder under VAR_DIR. Read from the settings on every access, so tests and deployments can move
it."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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
