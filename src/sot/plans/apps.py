from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "sot.plans"
    label = "plans"
    verbose_name = _("Planering")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # here, not at the top: these modules need the models, loaded only now
        from sot.plans import conf, permissions  # noqa: F401  (they register)
