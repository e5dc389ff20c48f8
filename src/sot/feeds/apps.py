from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "sot.feeds"
    label = "feeds"
    verbose_name = _("Varningar in")

    def ready(self) -> None:
        from sot.feeds import permissions  # noqa: F401  (registers the actions)
