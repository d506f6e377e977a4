from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent and sharing"

    def ready(self):
        # Importing the module registers its steps in the erasure list.
        from consent import erasure  # noqa: F401
