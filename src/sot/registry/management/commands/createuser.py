import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sot.accounts.models import ApiToken, Role, User
from sot.registry.models import Municipality, Point


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
        if User.objects.filter(username=o["username"]).exists():
            raise CommandError(f"user {o['username']!r} already exists")
        role = o["role"]
        user = User(username=o["username"], email=o["email"], role=role, is_staff=True)
        if o["name"]:
            first, _, last = o["name"].partition(" ")
            user.first_name, user.last_name = first, last
        if role == Role.COUNTY_COORDINATOR:
            if not o["county"]:
                raise CommandError("a county coordinator needs --county CODE (e.g. 23)")
            user.county_code = o["county"]
        elif role == Role.MUNICIPAL_OFFICER:
            muni = Municipality.objects.filter(code=o["municipality"] or "").first()
            if muni is None:
                raise CommandError(
                    f"a municipal officer needs --municipality with a known code; "
                    f"{o['municipality']!r} is not in the register"
                )
            user.municipality = muni
        elif role == Role.POINT_OPERATOR:
            if not o["point"]:
                raise CommandError("a point operator needs at least one --point ID")
            missing = [
                p for p in o["point"] if not Point.objects.filter(slug=p).exists()
            ]
            if missing:
                raise CommandError(f"unknown point id(s): {', '.join(missing)}")
        else:
            user.is_staff = False
        user.is_superuser = o["superuser"]
        password = o["password"] or secrets.token_urlsafe(16)
        try:
            # Django's validators (settings.AUTH_PASSWORD_VALIDATORS): at least 8
            # characters, not common, not all digits, not like the user name.
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(
                "the password is refused: " + " ".join(exc.messages)
            ) from None
        user.set_password(password)
        user.save()
        if o["point"]:
            user.points.set(Point.objects.filter(slug__in=o["point"]))
        self.stdout.write(f"created {user.username} ({Role(role).label})")
        if not o["password"]:
            self.stdout.write(f"password: {password}")
        if o["token"]:
            _token, secret = ApiToken.issue(user=user, name=o["token"])
            self.stdout.write(f"API token (shown once): {secret}")
