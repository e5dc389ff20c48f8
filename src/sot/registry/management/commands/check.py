"""`sot check`: the effective settings (secrets masked), then Django's system checks."""

from django.conf import settings
from django.core.management.commands.check import Command as DjangoCheck

from sot.config import env


class Command(DjangoCheck):
    help = (
        "Print the effective SOT_* settings with secrets masked, then run the system "
        "checks. In production mode sot refuses to start with the default secret or DEBUG."
    )

    def handle(self, *app_labels, **options):
        self.stdout.write("Effective settings (* = default):")
        for name, shown, is_default in env.effective():
            self.stdout.write(f"  {name:<26} {shown}{'  *' if is_default else ''}")
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        mode = "production" if settings.PRODUCTION else "development"
        self.stdout.write(f"Database engine: {engine}; mode: {mode}")
        return super().handle(*app_labels, **options)
