from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "sot.validation"
    label = "validation"

    def ready(self):
        # here, not at the top: these modules need the models, loaded only now
        from sot.validation import backstop

        backstop.connect()
