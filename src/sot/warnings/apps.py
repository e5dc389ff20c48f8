from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "sot.warnings"
    label = "warnings"
    verbose_name = _("Varningar in")

    def ready(self) -> None:
        # here, not at the top: these modules need the models, loaded only now
        from sot.registry.scheduler import register_periodic
        from sot.warnings import (
            conf,
            panels,
            permissions,  # noqa: F401  (registers the actions)
            tasks,
        )

        panels.connect()

        register_periodic(
            "warnings", 60, tasks.keep_polling, when=lambda: conf.POLLING.value()
        )
