from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoxConfig(AppConfig):
    name = "sot.box"
    label = "box"
    verbose_name = _("Boxar vid punkterna")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sot.box import receivers

        receivers.connect()
