from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Groups and people"

    def ready(self):
        # Importing the module registers its steps in the erasure list.
        from groups import erasure  # noqa: F401
