from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "sot.operations"
    label = "operations"
    verbose_name = _("Drift under störning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sot.operations import conf, permissions  # noqa: F401  (registers)
