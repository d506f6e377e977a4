from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coproduction.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self):
        # Importing the module registers its steps in the erasure list.
        from coproduction.core import erasure_steps  # noqa: F401
