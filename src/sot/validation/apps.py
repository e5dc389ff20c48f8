from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "sot.validation"
    label = "validation"

    def ready(self):
        from sot.validation import backstop

        backstop.connect()
