from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "sot.operations"
    label = "operations"
    verbose_name = _("Drift under störning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # here, not at the top: these modules need the models, loaded only now
        from sot.operations import conf, permissions, tasks  # noqa: F401  (registers)
        from sot.registry.scheduler import EVERY_TICK, register_periodic

        register_periodic("freshness", EVERY_TICK, tasks.mark_stale_points)
