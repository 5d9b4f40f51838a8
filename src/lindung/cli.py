"""The ``lindung`` console command: Django's manage.py plus the project's own commands.

``lindung regions load``, ``lindung demo``, ``lindung users add`` … and every Django command
(``lindung migrate``, ``lindung runserver``).
"""

from __future__ import annotations

import os
import sys

SERVING = {"runserver", "serve"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    import django
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in SERVING:
        from django.core.exceptions import ImproperlyConfigured

        from lindung.config.guard import refuse_demo_key_outside_demo

        django.setup()
        try:
            refuse_demo_key_outside_demo()
        except ImproperlyConfigured as refused:
            sys.exit(f"lindung: {refused}")
    execute_from_command_line(["lindung", *args])


if __name__ == "__main__":
    main()
