from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoxConfig(AppConfig):
    name = "sot.box"
    label = "box"
    verbose_name = _("Boxar vid punkterna")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # here, not at the top: these modules need the models, loaded only now
        from sot.box import receivers, sync, tasks
        from sot.registry.scheduler import register_periodic

        receivers.connect()
        # on a box: push and pull whenever central answers (a failure just waits)
        register_periodic(
            "box", lambda _tick: sync.BOX_SYNC_S.value(), tasks.sync, when=sync.is_box
        )
