from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Sessions"

    def ready(self):
        # Importing this registers the app's download sections.
        from sessions_app import download  # noqa: F401
