"""The ``lindung`` console command: Django's manage.py plus the project's own commands.

``lindung regions load``, ``lindung demo``, ``lindung users add`` … and every Django command
(``lindung migrate``, ``lindung runserver``). ``lindung`` alone (or ``--help``) lists Lindung's
own commands first, one line each; ``lindung help --all`` lists Django's as well.
"""

from __future__ import annotations

import os
import sys

SERVING = {"runserver", "serve"}
OVERVIEW = ([], ["--help"], ["-h"], ["help"])
ALL_COMMANDS = (["help", "--all"], ["--help", "--all"], ["-h", "--all"])


def summary(text: str) -> str:
    """The first sentence of a command's help, on one line."""
    line = " ".join(str(text).split())
    end = line.find(". ")
    return line if end < 0 else line[: end + 1]


def overview() -> str:
    """Lindung's own commands with one line each, then where Django's other commands are."""
    from django.core.management import get_commands, load_command_class

    ours = sorted(name for name, app in get_commands().items() if app.startswith("lindung."))
    width = max(map(len, ours), default=0)
    lines = [
        "Pemakaian / usage: lindung <perintah / command> [opsi / options]",
        "",
        "Perintah Lindung / Lindung commands:",
    ]
    for name in ours:
        try:
            text = summary(load_command_class(get_commands()[name], name).help)
        except Exception:  # a broken command must not hide the others (running it shows why)
            text = ""
        lines.append(f"  {name:<{width}}  {text}".rstrip())
    lines += [
        "",
        "Bantuan satu perintah / help on one command: lindung <command> --help",
        "Perintah Django lainnya (migrate, createsuperuser, shell, …) / "
        "Django's other commands: lindung help --all",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
    import django
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    if args in OVERVIEW:
        django.setup()
        sys.stdout.write(overview())
        return
    if args in ALL_COMMANDS:
        args = ["help"]  # Django's own list of every command, grouped by app
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
