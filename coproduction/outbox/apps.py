from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The one outbox every message to a person passes through."""

    name = "coproduction.outbox"
    label = "outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the outbox's download section and its tasks (sent by name).
        from coproduction.outbox import download, tasks  # noqa: F401
