"""Print docs/audit-events.md: every audit action of every app, from the AuditAction enumerations.

Run through ``make audit-events``; tests/test_architecture.py fails when the page is out of date.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")

import django

django.setup()

from django.utils import translation  # noqa: E402

from lindung.core.audit import audit_actions  # noqa: E402

HEADER = """# Audit events

Every write of Lindung records one of these actions in the audit log (`AuditLog.action`), in the
same transaction as the write. Each app declares its own in `src/lindung/<app>/audit.py` as an
`AuditAction` enumeration; a service passes a member, never a free string. This page is generated
by `make audit-events` and checked by the test suite.

| action | meaning (Bahasa Indonesia) | meaning (English) | declared in |
| --- | --- | --- | --- |
"""


def main() -> None:
    rows = []
    for value, member in sorted(audit_actions().items()):
        with translation.override("id"):
            indonesian = str(member.label)
        with translation.override("en"):
            english = str(member.label)
        where = f"`{type(member).__module__.replace('.', '/')}.py`".replace("`lindung/", "`")
        rows.append(f"| `{value}` | {indonesian} | {english} | {where} |")
    sys.stdout.write(HEADER + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
