"""`sot createuser`: an official with a role and a scope (see
:func:`sot.registry.install.create_user`)."""

from django.core.management.base import BaseCommand, CommandError

from sot.accounts.models import Role
from sot.errors import SotError
from sot.registry import install


class Command(BaseCommand):
    help = (
        "Create a user with a role and a scope. County coordinators need --county, "
        "municipal officers --municipality, point operators one or more --point."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            choices=[r.value for r in Role],
            help="The user's role.",
        )
        parser.add_argument("--county", help="County code (coordinators), e.g. 23.")
        parser.add_argument(
            "--municipality", help="Municipality code (officers), e.g. 2321."
        )
        parser.add_argument(
            "--point",
            action="append",
            default=[],
            help="Point id (operators); repeatable.",
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Full name.")
        parser.add_argument(
            "--password",
            help="Password; a random one is generated and printed if omitted.",
        )
        parser.add_argument(
            "--superuser", action="store_true", help="Also make the user a superuser."
        )
        parser.add_argument(
            "--token", metavar="NAME", help="Also create an API token with this name."
        )

    def handle(self, *args, **o):
        try:
            new = install.create_user(
                username=o["username"],
                role=o["role"],
                county=o["county"] or "",
                municipality=o["municipality"] or "",
                points=o["point"],
                email=o["email"],
                name=o["name"],
                password=o["password"] or "",
                superuser=o["superuser"],
                token_name=o["token"] or "",
            )
        except SotError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"created {new.user.username} ({Role(o['role']).label})")
        if new.password:
            self.stdout.write(f"password: {new.password}")
        if new.token:
            self.stdout.write(f"API token (shown once): {new.token}")
