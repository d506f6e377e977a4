from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "coproduction.crypto"
    label = "crypto"
    verbose_name = "Encryption keys"

    def ready(self):
        # Importing the module registers its steps in the erasure list.
        from coproduction.crypto import erasure  # noqa: F401
