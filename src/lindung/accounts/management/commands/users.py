from __future__ import annotations

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lindung.accounts import services
from lindung.accounts.models import OrganisationKind, User
from lindung.core.middleware import request_id_bound
from lindung.core.roles import Role
from lindung.core.scope import SYSTEM


class Command(BaseCommand):
    help = "Manage users: `lindung users add NAME --role ROLE --scope CODE…`, `lindung users list`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create a user with a role and region scope")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--scope", nargs="*", default=[], help="region codes, e.g. 18.71")
        add.add_argument("--organisation", help="organisation name (created if missing)")
        add.add_argument("--organisation-kind", choices=OrganisationKind.values)
        add.add_argument("--organisation-region", help="region code of a new organisation")
        add.add_argument("--email", default="")
        add.add_argument("--password-env", help="read the password from this environment variable")
        sub.add_parser("list", help="users with role and scope")

    def handle(self, *args, **options) -> None:
        with request_id_bound():
            self._handle(options)

    def _handle(self, options) -> None:
        if options["action"] == "list":
            for user in User.objects.order_by("username").prefetch_related("scope_regions"):
                scope = ",".join(sorted(user.scope_region_codes())) or "-"
                self.stdout.write(
                    f"{user.username}\t{user.role}\t{scope}\t{user.organisation or '-'}"
                )
            return
        password = (
            os.environ.get(options["password_env"], "")
            if options["password_env"]
            else getpass.getpass("Password: ")
        )
        if not password:
            raise CommandError("empty password / kata sandi kosong")
        try:
            user = services.add_user(
                actor=SYSTEM,
                username=options["username"],
                password=password,
                role=options["role"],
                scope_codes=options["scope"],
                organisation_name=options["organisation"] or "",
                organisation_kind=options["organisation_kind"] or "",
                organisation_region=options["organisation_region"],
                email=options["email"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"created {user.username} ({user.role})")
