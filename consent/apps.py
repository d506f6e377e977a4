from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent and sharing"

    def ready(self):
        # Importing these registers consent's download sections, erasure steps and
        # tasks. The tasks are registered in every process because the services ask for
        # them by name, and a registered task is sent through itself (its own options).
        from consent import download, erasure, tasks  # noqa: F401
