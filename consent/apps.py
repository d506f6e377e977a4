from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent and sharing"

    def ready(self):
        # Importing these registers consent's erasure steps, and its tasks in every
        # process: the services ask for a task by name, and a registered one is sent
        # through the task itself (its own options), not as a bare message.
        from consent import erasure, tasks  # noqa: F401
