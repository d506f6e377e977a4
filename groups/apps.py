from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Groups and people"

    def ready(self):
        # Importing these registers the app's erasure steps and download sections.
        from groups import download, erasure  # noqa: F401
