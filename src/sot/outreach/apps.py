from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "sot.outreach"
    label = "outreach"
    verbose_name = _("Utskick: frivilliga, SMS och prenumerationer")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # here, not at the top: these modules need the models, loaded only now
        from sot.outreach import (
            imports,
            panels,
            permissions,  # noqa: F401  (registers actions)
            receivers,  # noqa: F401  (connects signals)
            roster,  # noqa: F401  (registers the roster import)
            tasks,
        )
        from sot.registry.importers import register_import
        from sot.registry.scheduler import EVERY_TICK, register_periodic

        register_periodic("messages", EVERY_TICK, tasks.sweep)
        panels.connect()
        register_import(
            "subscribers",
            "Residents' subscriptions from another system, each row with its proof "
            "of consent (consent_method, consent_at, consent_source, consent_text); "
            "all or nothing unless --skip-invalid.",
            imports.run_cli,
            options=(
                (
                    "--by",
                    {
                        "required": True,
                        "help": "Username of the official importing (recorded with "
                        "every subscription; only rows in their scope).",
                    },
                ),
                (
                    "--skip-invalid",
                    {
                        "action": "store_true",
                        "help": "Import the valid rows and list the refused ones "
                        "(run the corrected file again: nothing is made twice).",
                    },
                ),
            ),
        )
