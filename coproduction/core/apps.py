from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coproduction.core"
    label = "core"
    verbose_name = "Platform"
