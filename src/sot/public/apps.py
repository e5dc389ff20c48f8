from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "sot.public"
    label = "public"
    verbose_name = _("Publik information")

    def ready(self):
        # here, not at the top: these modules need the models, loaded only now
        from sot.public import conf, permissions, receivers, tasks  # noqa: F401  (registers, connects)
        from sot.registry.scheduler import EVERY_TICK, register_periodic

        register_periodic("publish", EVERY_TICK, tasks.sweep_pending)
        # once every app's models are loaded: the page cache listens to their saves
        from sot.public import pagecache

        pagecache.connect()
