from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sot.registry import demo

# Apps whose `demo.load(stdout=...)` runs after the register's, in this order.
DEMO_APPS = ("operations", "warnings", "outreach", "public", "plans")


class Command(BaseCommand):
    help = (
        "Load the Jämtland demo data: county, municipalities, the eight SOT-punkter, "
        "demo users for every role, and each app's demo (an exercise, volunteers...). "
        "Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-migrate", action="store_true", help="Do not run migrations first."
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "sot demo loads demo users with a known password and is refused in "
                "production mode (SOT_PRODUCTION=true)."
            )
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        users = demo.load(stdout=self.stdout)
        for app in DEMO_APPS:
            if find_spec(f"sot.{app}.demo") is not None:
                module = import_module(f"sot.{app}.demo")
                if hasattr(module, "load"):
                    module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demodata för Jämtland är laddade."))
        self.stdout.write("")
        self.stdout.write(
            f"Demoinloggningar (lösenord för alla: {demo.DEMO_PASSWORD}):"
        )
        for username, role, scope in users:
            self.stdout.write(f"  {username:<14} {role} ({scope})")
