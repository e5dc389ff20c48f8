from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sot.accounts"
    label = "accounts"
    verbose_name = _("Användare och behörigheter")

    def ready(self):
        # here, not at the top: these modules need the models, loaded only now
        from sot.accounts import logins

        logins.connect()
