from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "coproduction.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        # Importing the module registers its section of her data download.
        from coproduction.audit import download  # noqa: F401
