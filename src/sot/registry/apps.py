from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sot.config import checks


class RegistryConfig(AppConfig):
    name = "sot.registry"
    label = "registry"
    verbose_name = _("Register över SOT-punkter")

    def ready(self):
        checks.register()
        # here, not at the top: these modules need the models, loaded only now
        from sot.registry import (  # noqa: F401  (settings; the point import)
            imports,
            scheduler,
        )
