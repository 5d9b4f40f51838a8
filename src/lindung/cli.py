"""The ``lindung`` console command: Django's manage.py plus the project's own commands.

``lindung regions load``, ``lindung demo``, ``lindung users add`` … and every Django command
(``lindung migrate``, ``lindung runserver``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lindung", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
